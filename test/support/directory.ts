/**
 * A Microsoft 365 directory for the directory-import tests: the local Entra provider
 * (entraProvider.ts) served over HTTPS with a test CA, with a daemon app registration that has
 * a client secret (the real client-credentials grant, the secret checked at its token endpoint),
 * and a Graph-shaped HTTP server that accepts only the provider's app-only tokens for itself
 * (signature, issuer of the tenant, audience, `roles`) and serves a group's members in pages
 * linked by `@odata.nextLink`, optionally answering 429 with Retry-After first.
 *
 * MSAL reaches the HTTPS provider through `system.networkClient` (setDirectoryNetworkClient): a
 * small INetworkModule on node:https that trusts the test CA, nothing else.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import https from "node:https";
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import devCerts from "office-addin-dev-certs";
import { createLocalJWKSet, jwtVerify, type JWK } from "jose";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { startEntraProvider, type EntraTestProvider } from "./entraProvider.js";
import { setDirectoryNetworkClient } from "../../backend/src/services/microsoft/directory.js";

export const DIRECTORY_ROLES = ["GroupMember.Read.All", "User.Read.All"];

export interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  mobilePhone?: string | null;
}

export interface TestDirectory {
  op: EntraTestProvider;
  /** ENTRA_AUTHORITY_URL for the provider (https). */
  authorityUrl: string;
  /** GRAPH_BASE_URL of the Graph server. */
  graphBaseUrl: string;
  clientId: string;
  secret: string;
  /** A second app registration that proves itself with a certificate (ENTRA_DIRECTORY_CERT_FILE). */
  certClientId: string;
  /** PEM file with that certificate and its private key. */
  certFile: string;
  /** The tenants whose app-only tokens Graph accepts (the one started with; add more). */
  tenants: Set<string>;
  /** Groups by id (lower case) → members, in order; edit freely. */
  groups: Map<string, GraphUser[]>;
  /** Members per page. */
  pageSize: number;
  /** The next this many Graph requests answer 429 with `Retry-After: retryAfter`. */
  throttle: { next: number; retryAfter: string; seen: number };
  /** Every Graph request: path and whether its token was accepted. */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

function httpsNetworkClient(ca: Buffer): INetworkModule {
  const send = (url: string, method: "GET" | "POST", options?: NetworkRequestOptions, timeout?: number) =>
    new Promise<NetworkResponse<unknown>>((resolve, reject) => {
      const req = https.request(
        url,
        { method, ca, headers: options?.headers ?? {}, timeout: timeout ?? 10_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : {};
            } catch {
              body = { error: "unparseable", error_description: text.slice(0, 200) };
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers[k] = v;
            resolve({ headers, body, status: res.statusCode ?? 0 } as NetworkResponse<unknown>);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      if (method === "POST") req.write(options?.body ?? "");
      req.end();
    });
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send(url, "GET", options, timeout) as Promise<NetworkResponse<T>>,
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send(url, "POST", options) as Promise<NetworkResponse<T>>,
  };
}

export async function startTestDirectory(tenantId: string): Promise<TestDirectory> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-directory-"));
  const files = { ca: path.join(dir, "ca.crt"), cert: path.join(dir, "tls.crt"), key: path.join(dir, "tls.key") };
  await devCerts.generateCertificates(files.ca, files.cert, files.key, 2, ["127.0.0.1", "localhost"]);
  const ca = fs.readFileSync(files.ca);
  const clientId = crypto.randomUUID();
  const secret = crypto.randomBytes(24).toString("base64url");
  // The app's certificate: the test CA's leaf certificate and key will do.
  const certClientId = crypto.randomUUID();
  const certFile = path.join(dir, "app.pem");
  fs.writeFileSync(certFile, fs.readFileSync(files.cert, "utf8") + fs.readFileSync(files.key, "utf8"));
  const certJwk = new crypto.X509Certificate(fs.readFileSync(files.cert)).publicKey.export({ format: "jwk" }) as JWK;
  const op = await startEntraProvider({
    clientIds: [crypto.randomUUID()],
    apiResource: (id) => `api://kuvert.test/${id}`,
    appClients: [
      { clientId, secret, roles: DIRECTORY_ROLES },
      { clientId: certClientId, jwk: certJwk, roles: DIRECTORY_ROLES },
    ],
    tls: { key: fs.readFileSync(files.key, "utf8"), cert: fs.readFileSync(files.cert, "utf8") },
  });
  setDirectoryNetworkClient(httpsNetworkClient(ca));

  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = op.privateJwk;
  const jwks = createLocalJWKSet({ keys: [publicJwk as JWK] });
  const groups = new Map<string, GraphUser[]>();
  const tenants = new Set([tenantId]);
  const throttle = { next: 0, retryAfter: "1", seen: 0 };
  const requests: { path: string; status: number }[] = [];
  const state = { pageSize: 2 };

  const graph = http.createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: req.url ?? "", status });
      res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    void (async () => {
      const url = new URL(req.url ?? "/", graphBaseUrl);
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!auth) return send(401, { error: { code: "InvalidAuthenticationToken", message: "no token" } });
      try {
        const { payload } = await jwtVerify(auth, jwks, {
          audience: new URL(graphBaseUrl).origin,
          algorithms: ["RS256"],
        });
        const tid = String(payload.tid);
        if (!tenants.has(tid) || payload.iss !== `${op.baseUrl}/${tid}/v2.0`) throw new Error("tenant");
        const roles = (payload.roles as string[] | undefined) ?? [];
        if (!DIRECTORY_ROLES.every((r) => roles.includes(r)))
          return send(403, { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges" } });
      } catch {
        return send(401, { error: { code: "InvalidAuthenticationToken", message: "token refused" } });
      }
      if (throttle.next > 0) {
        throttle.next--;
        throttle.seen++;
        return send(429, { error: { code: "TooManyRequests" } }, { "Retry-After": throttle.retryAfter });
      }
      const m = /^\/v1\.0\/groups\/([^/]+)\/members$/.exec(url.pathname);
      if (!m) return send(404, { error: { code: "Request_ResourceNotFound" } });
      const members = groups.get(decodeURIComponent(m[1]).toLowerCase());
      if (!members) return send(404, { error: { code: "Request_ResourceNotFound" } });
      if (url.searchParams.get("$select") !== "id,displayName,mail,mobilePhone")
        return send(400, { error: { code: "BadRequest", message: "unexpected $select" } });
      const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
      const page = members.slice(skip, skip + state.pageSize);
      const next = new URL(url);
      next.searchParams.set("$skiptoken", String(skip + state.pageSize));
      // A group can have non-user members; Graph names each member's type.
      const value = page.map((u) =>
        u.id.startsWith("device:")
          ? { "@odata.type": "#microsoft.graph.device", id: u.id.slice(7) }
          : {
              "@odata.type": "#microsoft.graph.user",
              id: u.id,
              displayName: u.displayName ?? null,
              mail: u.mail ?? null,
              mobilePhone: u.mobilePhone ?? null,
            },
      );
      send(200, {
        "@odata.context": `${graphBaseUrl}/$metadata#directoryObjects`,
        ...(skip + state.pageSize < members.length ? { "@odata.nextLink": next.href } : {}),
        value,
      });
    })().catch((err: Error) => send(500, { error: { code: "test", message: err.message } }));
  });
  await new Promise<void>((resolve) => graph.listen(0, "127.0.0.1", resolve));
  const graphBaseUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}/v1.0`;

  return {
    op,
    authorityUrl: op.baseUrl,
    graphBaseUrl,
    clientId,
    secret,
    certClientId,
    certFile,
    tenants,
    groups,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(n: number) {
      state.pageSize = n;
    },
    throttle,
    requests,
    async close() {
      setDirectoryNetworkClient(undefined);
      graph.closeAllConnections();
      await new Promise<void>((resolve) => graph.close(() => resolve()));
      await op.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
