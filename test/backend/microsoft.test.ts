import crypto from "node:crypto";
import { expect } from "chai";
import { SignJWT, UnsecuredJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWTPayload } from "jose";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import { AuditEvent } from "../../backend/src/models/AuditEvent.js";
import type { Organisation } from "../../backend/src/models/Organisation.js";
import { ApiClient } from "../support/server.js";
import { transaction } from "../../backend/src/db.js";
import { AppError } from "../../backend/src/errors.js";
import { commands } from "../../backend/src/cli/commands.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../support/factories.js";
import { startEntraProvider, type EntraTestProvider } from "../support/entraProvider.js";
import { advanceClock } from "../support/clock.js";

const CLIENT_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const OTHER_CLIENT_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
const TENANT = crypto.randomUUID();
const OTHER_TENANT = crypto.randomUUID();
/** The test server's PUBLIC_URL is http://kuvert.test: the add-in's Application ID URI. */
const apiResource = (clientId: string) => `api://kuvert.test/${clientId}`;

interface SignInBody {
  token: string;
  tokenId: string;
  user: { id: string; email: string; role: string; organisation: { id: string; name: string } | null; stage: string };
}

describe("Microsoft sign-in for the add-in (POST /api/auth/microsoft)", function () {
  this.timeout(30_000);
  let op: EntraTestProvider;
  let api: ApiClient;
  let savedEnv: Env;
  let org: Organisation;
  let staffEmail: string;
  let staffAccount: string;

  const post = (token: unknown) => api.post<SignInBody & { error: string }>("/api/auth/microsoft", { token });

  /** Expects 401 `error`, and that the audit log names `reason` (so it failed for the right cause). */
  async function expect401(
    token: string,
    reason: string,
    error = reason === "unknown_tenant" || reason === "unknown_user" ? "account_not_found" : "invalid_token",
  ): Promise<void> {
    const res = await post(token);
    expect(res.status, res.text).to.equal(401);
    expect(res.body.error).to.equal(error);
    expect(res.body).not.to.have.property("token");
    const audit = await AuditEvent.findOne({ where: { type: "login.microsoft.failed" }, order: [["id", "DESC"]] });
    expect(audit?.data, "audit reason").to.deep.include({ reason });
  }

  /** A token signed with the provider's own key, for shapes the provider will not issue. */
  async function handMade(
    claims: JWTPayload,
    opts: { key?: JWK; kid?: string; exp?: number; nbf?: number } = {},
  ): Promise<string> {
    const jwk = opts.key ?? op.privateJwk;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ver: "2.0", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? op.privateJwk.kid })
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 600);
    if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
    return jwt.sign(await importJWK(jwk, "RS256"));
  }
  type JWK = Parameters<typeof importJWK>[0];

  before(async () => {
    op = await startEntraProvider({ clientIds: [CLIENT_ID, OTHER_CLIENT_ID], apiResource });
    savedEnv = env();
    setEnv({
      ...savedEnv,
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_ISSUER_TEMPLATE: op.issuerTemplate,
      ENTRA_JWKS_URL: op.jwksUrl,
      ENTRA_CLOCK_TOLERANCE_SECONDS: 0,
    });
    org = await buildOrganisation();
    const connected = await transaction((t) =>
      commands["org:microsoft"].run(t, { org: org.name, tenant: TENANT.toUpperCase() }),
    );
    expect(connected).to.deep.equal({ organisation: org.name, entraTenantId: TENANT });
    staffEmail = uniqueEmail("anna");
    await buildUser({ organisation: org, email: staffEmail, role: "staff" });
    staffAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: staffEmail.toUpperCase(),
      name: "Anna Andersson",
    });
    api = await ApiClient.create();
  });

  after(async () => {
    setEnv(savedEnv);
    await op?.close();
  });

  it("accepts an Entra-shaped ID token from the provider and issues a working API token", async () => {
    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const claims = decodeJwt(idToken);
    expect(claims).to.include({ iss: `${op.baseUrl}/${TENANT}/v2.0`, aud: CLIENT_ID, tid: TENANT, ver: "2.0" });

    const res = await post(idToken);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.token).to.match(/^kvt_/);
    expect(res.body.user).to.include({ email: staffEmail, role: "staff", stage: "full" });
    expect(res.body.user.organisation?.id).to.equal(org.id);

    const client = new ApiClient(api.baseUrl);
    client.bearer = res.body.token;
    const me = await client.get<{ email: string }>("/api/auth/me");
    expect(me.status, me.text).to.equal(200);
    expect(me.body.email).to.equal(staffEmail);

    const audit = await AuditEvent.findOne({ where: { type: "login.microsoft", userId: res.body.user.id } });
    expect(audit, "audit event").not.to.equal(null);
    expect(JSON.stringify(audit!.data)).not.to.contain(res.body.token);
  });

  it("accepts an access token for the add-in's API (api://<host>/<client id>)", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    expect(decodeJwt(accessToken)).to.include({ aud: apiResource(CLIENT_ID), tid: TENANT });
    const res = await post(accessToken);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.user.email).to.equal(staffEmail);
  });

  it("rejects a token for another app (wrong audience)", async () => {
    const { idToken, accessToken } = await op.signIn({
      segment: TENANT,
      accountId: staffAccount,
      clientId: OTHER_CLIENT_ID,
    });
    expect(decodeJwt(idToken).aud).to.equal(OTHER_CLIENT_ID);
    await expect401(idToken, "wrong_audience");
    await expect401(accessToken, "wrong_audience");
  });

  it("rejects a token from another issuer, even one carrying the right tid", async () => {
    const { idToken } = await op.signIn({ segment: "not-the-tenant", accountId: staffAccount });
    expect(decodeJwt(idToken)).to.include({ tid: TENANT, iss: `${op.baseUrl}/not-the-tenant/v2.0` });
    await expect401(idToken, "wrong_issuer");
    await expect401(
      await handMade({
        iss: `${op.baseUrl}/${OTHER_TENANT}/v2.0`,
        aud: CLIENT_ID,
        tid: TENANT,
        preferred_username: staffEmail,
      }),
      "wrong_issuer",
    );
  });

  it("rejects an expired token and one not yet valid", async () => {
    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount, idTokenTtlSeconds: 1 });
    advanceClock(2000);
    await expect401(idToken, "expired");
    const now = Math.floor(Date.now() / 1000);
    await expect401(
      await handMade(
        { iss: `${op.baseUrl}/${TENANT}/v2.0`, aud: CLIENT_ID, tid: TENANT, preferred_username: staffEmail },
        { nbf: now + 600 },
      ),
      "not_yet_valid",
    );
  });

  it("rejects bad signatures: tampered signature, tampered claims, a foreign key, alg none and HS256", async () => {
    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const [h, p, s] = idToken.split(".");
    const sig = Buffer.from(s, "base64url");
    sig[10] ^= 0xff;
    await expect401(`${h}.${p}.${sig.toString("base64url")}`, "bad_signature");

    const otherUser = uniqueEmail("mallory");
    await buildUser({ organisation: org, email: otherUser });
    const claims = { ...decodeJwt(idToken), preferred_username: otherUser };
    await expect401(`${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`, "bad_signature");

    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    const foreign = await exportJWK(privateKey);
    const base = { iss: `${op.baseUrl}/${TENANT}/v2.0`, aud: CLIENT_ID, tid: TENANT, preferred_username: staffEmail };
    await expect401(await handMade(base, { key: foreign }), "bad_signature");
    await expect401(await handMade(base, { key: foreign, kid: "unknown-kid" }), "bad_signature");
    await expect401(new UnsecuredJWT(base).setIssuedAt().setExpirationTime("10m").encode(), "malformed");
    const hs = await new SignJWT(base)
      .setProtectedHeader({ alg: "HS256", kid: op.privateJwk.kid })
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(
        new TextEncoder().encode(JSON.stringify({ kty: op.privateJwk.kty, n: op.privateJwk.n, e: op.privateJwk.e })),
      );
    await expect401(hs, "malformed");
  });

  it("rejects tokens without a tenant id or a user name, and garbage", async () => {
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    await expect401(await handMade({ iss, aud: CLIENT_ID, preferred_username: staffEmail }), "no_tenant");
    await expect401(
      await handMade({ iss, aud: CLIENT_ID, tid: "not-a-guid", preferred_username: staffEmail }),
      "no_tenant",
    );
    await expect401(await handMade({ iss, aud: CLIENT_ID, tid: TENANT }), "no_username");
    await expect401(
      await handMade({ iss, aud: CLIENT_ID, tid: TENANT, preferred_username: "not-an-address" }),
      "no_username",
    );
    await expect401("not.a.jwt", "malformed");
    const empty = await post("");
    expect(empty.status).to.equal(400);
    expect((await api.post("/api/auth/microsoft", {})).status).to.equal(400);
  });

  it("takes upn or email when preferred_username is absent", async () => {
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const res = await post(await handMade({ iss, aud: CLIENT_ID, tid: TENANT, upn: staffEmail }));
    expect(res.status, res.text).to.equal(200);
    const viaEmail = await post(await handMade({ iss, aud: CLIENT_ID, tid: TENANT, email: staffEmail }));
    expect(viaEmail.status, viaEmail.text).to.equal(200);
  });

  it("rejects a valid token of a tenant that no organisation is connected to", async () => {
    const stranger = op.addAccount({
      tid: OTHER_TENANT,
      oid: crypto.randomUUID(),
      preferred_username: staffEmail,
      name: "Same Address",
    });
    const { idToken } = await op.signIn({ segment: OTHER_TENANT, accountId: stranger });
    await expect401(idToken, "unknown_tenant");
  });

  it("rejects valid tokens of people who are not active staff of that organisation", async () => {
    const unknown = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: uniqueEmail("nobody"),
      name: "Nobody",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: unknown })).idToken, "unknown_user");

    const goneEmail = uniqueEmail("gone");
    const gone = await buildUser({ organisation: org, email: goneEmail });
    await gone.update({ status: "deactivated" });
    const goneAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: goneEmail,
      name: "Gone",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: goneAccount })).idToken, "unknown_user");

    const elsewhereEmail = uniqueEmail("elsewhere");
    await buildUser({ organisation: await buildOrganisation(), email: elsewhereEmail });
    const elsewhere = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: elsewhereEmail,
      name: "Other org",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: elsewhere })).idToken, "unknown_user");

    const recipientEmail = uniqueEmail("recipient");
    await buildUser({ organisation: null, email: recipientEmail });
    const recipient = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: recipientEmail,
      name: "Recipient",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: recipient })).idToken, "unknown_user");
  });

  it("answers 503 when the key set cannot be fetched, and 404 when Microsoft sign-in is off", async () => {
    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const configured = env();
    try {
      setEnv({ ...configured, ENTRA_JWKS_URL: "http://127.0.0.1:9/keys" });
      const down = await post(idToken);
      expect(down.status, down.text).to.equal(503);
      setEnv({ ...configured, ENTRA_CLIENT_ID: undefined });
      const off = await post(idToken);
      expect(off.status).to.equal(404);
      expect(off.body.error).to.equal("microsoft_sign_in_disabled");
    } finally {
      setEnv(configured);
    }
  });

  it("the operator connects and disconnects tenants (kuvert org:microsoft); a tenant has one organisation", async () => {
    const run = (values: Record<string, string>) => transaction((t) => commands["org:microsoft"].run(t, values));
    const failure = async (values: Record<string, string>) => {
      try {
        await run(values);
      } catch (err) {
        expect(err).to.be.instanceOf(AppError);
        return (err as AppError).id;
      }
      throw new Error("expected the command to fail");
    };
    const second = await buildOrganisation();
    expect(await failure({ org: second.name, tenant: TENANT })).to.equal("entra_tenant_taken");
    expect(await failure({ org: second.name, tenant: "contoso.onmicrosoft.com" })).to.equal("invalid_argument");
    expect(await failure({ org: "no such org", tenant: TENANT })).to.equal("not_found");

    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    await run({ org: org.name, tenant: "none" });
    await expect401(idToken, "unknown_tenant");
    await run({ org: org.name, tenant: TENANT });
    expect((await post(idToken)).status).to.equal(200);
    const audit = await AuditEvent.findOne({
      where: { type: "organisation.microsoft_disconnected", organisationId: org.id },
    });
    expect(audit).not.to.equal(null);
  });
});
