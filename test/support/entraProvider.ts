/**
 * A real local OpenID Connect provider (the `oidc-provider` package) that issues tokens in the
 * shape of Microsoft Entra ID v2.0: one issuer per tenant, `{base}/{tenant}/v2.0`, all tenants
 * signing with the same RS256 key set (as Entra's common key set), ID tokens with `tid`, `oid`,
 * `preferred_username`, `name`, `ver`, and JWT access tokens for the add-in's API
 * (`api://<host>/<client id>`) through resource indicators, carrying the delegated scopes in
 * `scp` (as Entra does: `access_as_user`, or another scope of the API when asked for) and the
 * account's `amr` (authentication methods) when it has one.
 *
 * Tokens come out of a real authorization-code flow: the test client follows the redirects,
 * an interaction endpoint here signs in the chosen account and grants consent, and the code is
 * exchanged at the token endpoint.
 */
import http from "node:http";
import https from "node:https";
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata, type Configuration } from "oidc-provider";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface EntraAccount {
  tid: string;
  oid: string;
  preferred_username: string;
  name: string;
  email?: string;
  upn?: string;
  /** Authentication methods for `amr` (e.g. ["pwd", "mfa"]); none by default. */
  amr?: string[];
}

export interface IssuedTokens {
  idToken: string;
  accessToken: string;
}

export interface EntraTestProvider {
  baseUrl: string;
  /** For ENTRA_ISSUER_TEMPLATE. */
  issuerTemplate: string;
  /** The shared key set (served by every tenant's jwks endpoint). */
  jwksUrl: string;
  /** The private signing key (for hand-made tokens in negative tests). */
  privateJwk: JWK & { kid: string };
  addAccount(account: EntraAccount): string;
  /** Changes an account's claims (e.g. a renamed preferred_username); the oid stays unless given. */
  updateAccount(accountId: string, patch: Partial<EntraAccount>): void;
  /** Runs the code flow at issuer `{base}/{segment}/v2.0` for the account; returns its tokens. */
  signIn(opts: {
    segment: string;
    accountId: string;
    clientId?: string;
    idTokenTtlSeconds?: number;
    /** The API scopes asked for (space-separated); default `access_as_user`. */
    scope?: string;
  }): Promise<IssuedTokens>;
  close(): Promise<void>;
}

const redirectUri = "https://addin.example.test/callback";
/** The scopes the add-in's API exposes in the test (Entra: "Expose an API"). */
const apiScopes = ["access_as_user", "Files.Read"];

/**
 * A daemon app registration for the client-credentials grant (the directory import): its secret,
 * and the application permissions (`roles`) its app-only tokens carry for every resource.
 */
export interface EntraAppClient {
  clientId: string;
  /** A client secret (client_secret_post), or … */
  secret?: string;
  /** … the public key of its certificate: client assertions (private_key_jwt) signed with it. */
  jwk?: JWK;
  roles: string[];
}

export async function startEntraProvider(opts: {
  clientIds: string[];
  apiResource: (clientId: string) => string;
  /** Client-credentials apps: a token for `{resource}/.default` has aud {resource}, tid, roles. */
  appClients?: EntraAppClient[];
  /** Serve over HTTPS with this certificate (MSAL accepts only https authorities). */
  tls?: { key: string; cert: string };
}): Promise<EntraTestProvider> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const privateJwk = {
    ...(await exportJWK(privateKey)),
    kid: crypto.randomBytes(8).toString("hex"),
    alg: "RS256",
    use: "sig",
  } as JWK & { kid: string };
  const accounts = new Map<string, EntraAccount>();
  const providers = new Map<string, Provider>();
  let idTokenTtl = 3600;
  let pendingAccount: string | null = null;
  let pendingScope = "access_as_user";

  const server = opts.tls ? https.createServer(opts.tls) : http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const appClients = opts.appClients ?? [];
  /** `{resource}/.default` → resource: Entra's way of naming the resource in the scope. */
  const defaultScopeResource = (scope: unknown): string | null =>
    typeof scope === "string" && /^\S+\/\.default$/.test(scope.trim())
      ? scope.trim().slice(0, -"/.default".length)
      : null;

  function providerFor(segment: string): Provider {
    const existing = providers.get(segment);
    if (existing) return existing;
    const prefix = `/${segment}/v2.0`;
    const configuration: Configuration = {
      clients: opts.clientIds
        .map((clientId): ClientMetadata => ({
          client_id: clientId,
          client_secret: `secret-${clientId}`,
          redirect_uris: [redirectUri],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_post",
        }))
        .concat(
          appClients.map((app): ClientMetadata => ({
            client_id: app.clientId,
            redirect_uris: [],
            response_types: [],
            grant_types: ["client_credentials"],
            ...(app.jwk
              ? { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [app.jwk] } }
              : { client_secret: app.secret, token_endpoint_auth_method: "client_secret_post" }),
          })),
        ),
      jwks: { keys: [privateJwk] },
      cookies: { keys: ["entra-test-cookie-key"] },
      pkce: { required: () => false },
      conformIdTokenClaims: false,
      claims: { openid: ["sub", "tid", "oid", "ver", "preferred_username"], email: ["email"], profile: ["name"] },
      async findAccount(_ctx, sub) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ver: "2.0", ...account }) };
      },
      async extraTokenClaims(_ctx, token) {
        if (token.kind === "ClientCredentials") {
          const app = appClients.find((a) => a.clientId === token.clientId);
          return app
            ? { ver: "2.0", tid: segment, oid: app.clientId, azp: app.clientId, idtyp: "app", roles: app.roles }
            : undefined;
        }
        if (token.kind !== "AccessToken" || !token.accountId) return undefined;
        const a = accounts.get(token.accountId);
        const scp = (token.scope ?? "")
          .split(" ")
          .filter((s) => apiScopes.includes(s))
          .join(" ");
        return a
          ? {
              ver: "2.0",
              tid: a.tid,
              oid: a.oid,
              preferred_username: a.preferred_username,
              name: a.name,
              ...(a.upn ? { upn: a.upn } : {}),
              ...(a.email ? { email: a.email } : {}),
              ...(scp ? { scp } : {}),
              ...(a.amr ? { amr: a.amr } : {}),
            }
          : undefined;
      },
      ttl: {
        IdToken: () => idTokenTtl,
        AccessToken: () => idTokenTtl,
        ClientCredentials: 3600,
        Interaction: 600,
        Grant: 600,
        Session: 600,
      },
      interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: appClients.length > 0 },
        resourceIndicators: {
          enabled: true,
          defaultResource: (ctx) =>
            defaultScopeResource(ctx.oidc.params?.scope) ??
            opts.apiResource(ctx.oidc.client?.clientId ?? opts.clientIds[0]),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resourceIndicator) => ({
            scope:
              appClients.length > 0 ? [...apiScopes, `${resourceIndicator}/.default`].join(" ") : apiScopes.join(" "),
            audience: resourceIndicator,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          }),
        },
      },
    };
    const provider = new Provider(`${baseUrl}${prefix}`, configuration);
    providers.set(segment, provider);
    return provider;
  }

  async function finishInteraction(
    provider: Provider,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const accountId = pendingAccount;
    if (!accountId) throw new Error("no account chosen for this sign-in");
    const clientId = String(details.params.client_id);
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope("openid email profile");
    grant.addResourceScope(opts.apiResource(clientId), pendingScope);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const m = /^\/([^/]+)\/v2\.0(\/[^?]*)?(\?.*)?$/.exec(req.url ?? "");
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const provider = providerFor(m[1]);
    if (m[2]?.startsWith("/interaction/")) {
      finishInteraction(provider, req, res).catch((err: Error) => {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(err.message);
      });
      return;
    }
    // Mount under the issuer's path: the provider sees the rest, and finds its mount path
    // from originalUrl.
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = `${m[2] ?? "/"}${m[3] ?? ""}`;
    void provider.callback()(req, res);
  });

  async function signIn(o: {
    segment: string;
    accountId: string;
    clientId?: string;
    idTokenTtlSeconds?: number;
    scope?: string;
  }): Promise<IssuedTokens> {
    const clientId = o.clientId ?? opts.clientIds[0];
    const issuer = `${baseUrl}/${o.segment}/v2.0`;
    const jar = new Map<string, string>();
    pendingAccount = o.accountId;
    pendingScope = o.scope ?? "access_as_user";
    idTokenTtl = o.idTokenTtlSeconds ?? 3600;
    try {
      let next = `${issuer}/auth?${new URLSearchParams({
        client_id: clientId,
        response_type: "code",
        scope: `openid email profile ${pendingScope}`,
        redirect_uri: redirectUri,
        resource: opts.apiResource(clientId),
        state: crypto.randomBytes(8).toString("hex"),
        nonce: crypto.randomBytes(8).toString("hex"),
      })}`;
      let code: string | null = null;
      for (let hop = 0; hop < 10 && !code; hop++) {
        const res = await fetch(next, {
          redirect: "manual",
          headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
        });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(";");
          const i = pair.indexOf("=");
          jar.set(pair.slice(0, i), pair.slice(i + 1));
        }
        const location = res.headers.get("location");
        if (!location) throw new Error(`sign-in stopped at ${next}: ${res.status} ${await res.text()}`);
        const url = new URL(location, next);
        if (url.href.startsWith(redirectUri)) {
          code = url.searchParams.get("code");
          if (!code)
            throw new Error(
              `authorization failed: ${url.searchParams.get("error")} ${url.searchParams.get("error_description")}`,
            );
        }
        next = url.href;
      }
      if (!code) throw new Error("no authorization code");
      const res = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: redirectUri,
          client_id: clientId,
          client_secret: `secret-${clientId}`,
        }),
      });
      const body = (await res.json()) as {
        id_token?: string;
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!res.ok || !body.id_token || !body.access_token)
        throw new Error(`token endpoint: ${res.status} ${body.error} ${body.error_description}`);
      return { idToken: body.id_token, accessToken: body.access_token };
    } finally {
      pendingAccount = null;
      pendingScope = "access_as_user";
      idTokenTtl = 3600;
    }
  }

  return {
    baseUrl,
    issuerTemplate: `${baseUrl}/{tenantid}/v2.0`,
    jwksUrl: `${baseUrl}/common/v2.0/jwks`,
    privateJwk,
    addAccount(account) {
      const id = crypto.randomUUID();
      accounts.set(id, account);
      return id;
    },
    updateAccount(accountId, patch) {
      const a = accounts.get(accountId);
      if (!a) throw new Error("no such account");
      accounts.set(accountId, { ...a, ...patch });
    },
    signIn,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
