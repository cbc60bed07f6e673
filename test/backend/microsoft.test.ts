import crypto from "node:crypto";
import { expect } from "chai";
import { SignJWT, UnsecuredJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWTPayload } from "jose";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import { AuditEvent } from "../../backend/src/models/AuditEvent.js";
import type { Organisation } from "../../backend/src/models/Organisation.js";
import { User } from "../../backend/src/models/User.js";
import { ApiClient } from "../support/server.js";
import { transaction } from "../../backend/src/db.js";
import { AppError } from "../../backend/src/errors.js";
import { commands } from "../../backend/src/cli/commands.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../support/factories.js";
import { startEntraProvider, type EntraTestProvider } from "../support/entraProvider.js";
import { advanceClock } from "../support/clock.js";
import { enableTotp, startDelivery } from "../support/secondFactor.js";
import { signIn as signInWithPassword } from "../support/auth.js";

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
  let staffOid: string;

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
    staffOid = crypto.randomUUID();
    staffAccount = op.addAccount({
      tid: TENANT,
      oid: staffOid,
      preferred_username: staffEmail.toUpperCase(),
      name: "Anna Andersson",
    });
    api = await ApiClient.create();
  });

  after(async () => {
    setEnv(savedEnv);
    await op?.close();
  });

  it("accepts an access token for the add-in's API (scp access_as_user) and issues a working API token", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const claims = decodeJwt(accessToken);
    expect(claims).to.include({ aud: apiResource(CLIENT_ID), tid: TENANT, scp: "access_as_user" });

    const res = await post(accessToken);
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
    // The first sign-in bound the person: tenant + object id are stored on the account.
    const user = await User.findByPk(res.body.user.id);
    expect(user).to.deep.include({ entraTenantId: TENANT, entraObjectId: staffOid });
  });

  it("accepts a v2.0 access token whose audience is the API's client id", async () => {
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const res = await post(
      await handMade({ iss, aud: CLIENT_ID, tid: TENANT, oid: staffOid, scp: "access_as_user", azp: CLIENT_ID }),
    );
    expect(res.status, res.text).to.equal(200);
    expect(res.body.user.email).to.equal(staffEmail);
  });

  it("refuses ID tokens, whatever their audience", async () => {
    const { idToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    // A real ID token of the add-in: signed, right issuer and audience (the client id), no scp.
    expect(decodeJwt(idToken)).to.include({ aud: CLIENT_ID, tid: TENANT, oid: staffOid });
    expect(decodeJwt(idToken)).not.to.have.property("scp");
    await expect401(idToken, "not_access_token");
    // An ID token with a forged-looking scp is still an ID token (nonce / at_hash / c_hash).
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const base = { iss, aud: CLIENT_ID, tid: TENANT, oid: staffOid, preferred_username: staffEmail };
    for (const extra of [
      { nonce: "n-0S6_WzA2Mj" },
      { at_hash: "77QmUPtjPfzWtF2AnpK9RQ" },
      { c_hash: "LDktKdoQak3Pk0cnXxCltA" },
    ])
      await expect401(await handMade({ ...base, scp: "access_as_user", ...extra }), "not_access_token");
    // App-only tokens (client credentials: roles, no scp; or idtyp app) are not a person.
    await expect401(await handMade({ ...base, roles: ["access_as_user"] }), "not_access_token");
    await expect401(await handMade({ ...base, scp: "access_as_user", idtyp: "app" }), "not_access_token");
  });

  it("refuses an access token for the API without the access_as_user scope", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount, scope: "Files.Read" });
    expect(decodeJwt(accessToken)).to.include({ aud: apiResource(CLIENT_ID), scp: "Files.Read" });
    await expect401(accessToken, "wrong_scope");
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const base = { iss, aud: CLIENT_ID, tid: TENANT, oid: staffOid, preferred_username: staffEmail };
    await expect401(await handMade({ ...base, scp: "access_as_user_x Files.Read" }), "wrong_scope");
    await expect401(await handMade({ ...base, scp: "" }), "wrong_scope");
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
    const { accessToken } = await op.signIn({ segment: "not-the-tenant", accountId: staffAccount });
    expect(decodeJwt(accessToken)).to.include({ tid: TENANT, iss: `${op.baseUrl}/not-the-tenant/v2.0` });
    await expect401(accessToken, "wrong_issuer");
    await expect401(
      await handMade({
        iss: `${op.baseUrl}/${OTHER_TENANT}/v2.0`,
        aud: CLIENT_ID,
        tid: TENANT,
        oid: staffOid,
        scp: "access_as_user",
        preferred_username: staffEmail,
      }),
      "wrong_issuer",
    );
  });

  it("rejects an expired access token and one not yet valid", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount, idTokenTtlSeconds: 1 });
    advanceClock(2000);
    await expect401(accessToken, "expired");
    const now = Math.floor(Date.now() / 1000);
    await expect401(
      await handMade(
        {
          iss: `${op.baseUrl}/${TENANT}/v2.0`,
          aud: CLIENT_ID,
          tid: TENANT,
          oid: staffOid,
          scp: "access_as_user",
          preferred_username: staffEmail,
        },
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

  it("rejects tokens without a tenant id or an object id, first sign-ins without a user name, and garbage", async () => {
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const base = { iss, aud: CLIENT_ID, scp: "access_as_user", oid: staffOid, preferred_username: staffEmail };
    const { tid: _tid, ...noTid } = { ...base, tid: TENANT };
    void _tid;
    await expect401(await handMade(noTid), "no_tenant");
    await expect401(await handMade({ ...base, tid: "not-a-guid" }), "no_tenant");
    const { oid: _oid, ...noOid } = { ...base, tid: TENANT };
    void _oid;
    await expect401(await handMade(noOid), "no_object_id");
    await expect401(await handMade({ ...base, tid: TENANT, oid: "not-a-guid" }), "no_object_id");
    // Without a sign-in name the first binding cannot find the account (a bound person needs none).
    const fresh = { ...base, tid: TENANT, oid: crypto.randomUUID() };
    const { preferred_username: _pu, ...noName } = fresh;
    void _pu;
    await expect401(await handMade(noName), "no_username", "account_not_found");
    await expect401(
      await handMade({ ...fresh, preferred_username: "not-an-address" }),
      "no_username",
      "account_not_found",
    );
    await expect401("not.a.jwt", "malformed");
    const empty = await post("");
    expect(empty.status).to.equal(400);
    expect((await api.post("/api/auth/microsoft", {})).status).to.equal(400);
  });

  it("finds the account by upn or email at the first sign-in when preferred_username is absent", async () => {
    const iss = `${op.baseUrl}/${TENANT}/v2.0`;
    const viaUpn = uniqueEmail("upn");
    await buildUser({ organisation: org, email: viaUpn });
    const res = await post(
      await handMade({
        iss,
        aud: CLIENT_ID,
        tid: TENANT,
        oid: crypto.randomUUID(),
        scp: "access_as_user",
        upn: viaUpn,
      }),
    );
    expect(res.status, res.text).to.equal(200);
    expect(res.body.user.email).to.equal(viaUpn);
    const viaMail = uniqueEmail("mail");
    await buildUser({ organisation: org, email: viaMail });
    const viaEmail = await post(
      await handMade({
        iss,
        aud: CLIENT_ID,
        tid: TENANT,
        oid: crypto.randomUUID(),
        scp: "access_as_user",
        email: viaMail,
      }),
    );
    expect(viaEmail.status, viaEmail.text).to.equal(200);
    expect(viaEmail.body.user.email).to.equal(viaMail);
  });

  it("binds by oid + tid: a renamed preferred_username is still the same person", async () => {
    const email = uniqueEmail("bertil");
    const bertil = await buildUser({ organisation: org, email });
    const oid = crypto.randomUUID();
    const account = op.addAccount({ tid: TENANT, oid, preferred_username: email, name: "Bertil" });
    const first = await post((await op.signIn({ segment: TENANT, accountId: account })).accessToken);
    expect(first.status, first.text).to.equal(200);
    expect(first.body.user.id).to.equal(bertil.id);
    const bound = await AuditEvent.findOne({ where: { type: "user.microsoft_bound", userId: bertil.id } });
    expect(bound?.data).to.deep.include({ tenantId: TENANT, objectId: oid });

    // Renamed in Entra to an address nobody has in Kuvert: still Bertil.
    op.updateAccount(account, { preferred_username: uniqueEmail("bertil.renamed") });
    const renamed = await post((await op.signIn({ segment: TENANT, accountId: account })).accessToken);
    expect(renamed.status, renamed.text).to.equal(200);
    expect(renamed.body.user.id).to.equal(bertil.id);

    // Renamed to ANOTHER Kuvert user's address: still Bertil, never that user.
    const cecilia = await buildUser({ organisation: org, email: uniqueEmail("cecilia") });
    op.updateAccount(account, { preferred_username: cecilia.email, upn: cecilia.email, email: cecilia.email });
    const takeover = await post((await op.signIn({ segment: TENANT, accountId: account })).accessToken);
    expect(takeover.status, takeover.text).to.equal(200);
    expect(takeover.body.user.id).to.equal(bertil.id);
    expect((await User.findByPk(cecilia.id))?.entraObjectId ?? null).to.equal(null);
  });

  it("refuses another Entra person (different oid) who carries a bound account's old name, with a clear 403", async () => {
    const email = uniqueEmail("david");
    const david = await buildUser({ organisation: org, email });
    const davidAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: email,
      name: "David",
    });
    expect((await post((await op.signIn({ segment: TENANT, accountId: davidAccount })).accessToken)).status).to.equal(
      200,
    );
    // David is renamed; a new colleague gets his old address in Entra (a new object id).
    op.updateAccount(davidAccount, { preferred_username: uniqueEmail("david.renamed") });
    const newcomer = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: email,
      name: "Newcomer",
    });
    const res = await post((await op.signIn({ segment: TENANT, accountId: newcomer })).accessToken);
    expect(res.status, res.text).to.equal(403);
    expect(res.body.error).to.equal("microsoft_account_mismatch");
    expect(res.body).not.to.have.property("token");
    const audit = await AuditEvent.findOne({ where: { type: "login.microsoft.failed" }, order: [["id", "DESC"]] });
    expect(audit?.data).to.deep.include({ reason: "identity_mismatch" });
    expect(audit?.userId).to.equal(david.id);
    // David himself still gets in.
    const still = await post((await op.signIn({ segment: TENANT, accountId: davidAccount })).accessToken);
    expect(still.status, still.text).to.equal(200);
    expect(still.body.user.id).to.equal(david.id);
  });

  it("two different Entra people racing for one unbound account: exactly one binds it", async () => {
    const email = uniqueEmail("race");
    const user = await buildUser({ organisation: org, email });
    const a = op.addAccount({ tid: TENANT, oid: crypto.randomUUID(), preferred_username: email, name: "A" });
    const b = op.addAccount({ tid: TENANT, oid: crypto.randomUUID(), preferred_username: email, name: "B" });
    const [ta, tb] = [
      (await op.signIn({ segment: TENANT, accountId: a })).accessToken,
      (await op.signIn({ segment: TENANT, accountId: b })).accessToken,
    ];
    const results = await Promise.all([post(ta), post(tb)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 403]);
    const winner = results[0].status === 200 ? ta : tb;
    expect((await User.findByPk(user.id))?.entraObjectId).to.equal(decodeJwt(winner).oid);
  });

  it("refuses the same oid and name from another tenant, connected or not", async () => {
    const email = uniqueEmail("erik");
    await buildUser({ organisation: org, email });
    const oid = crypto.randomUUID();
    const home = op.addAccount({ tid: TENANT, oid, preferred_username: email, name: "Erik" });
    expect((await post((await op.signIn({ segment: TENANT, accountId: home })).accessToken)).status).to.equal(200);

    const thirdTenant = crypto.randomUUID();
    const twin = op.addAccount({ tid: thirdTenant, oid, preferred_username: email, name: "Erik's twin" });
    await expect401((await op.signIn({ segment: thirdTenant, accountId: twin })).accessToken, "unknown_tenant");
    // The other tenant connected to another organisation: no account of that organisation.
    const otherOrg = await buildOrganisation();
    await transaction((t) => commands["org:microsoft"].run(t, { org: otherOrg.name, tenant: thirdTenant }));
    await expect401((await op.signIn({ segment: thirdTenant, accountId: twin })).accessToken, "unknown_user");
  });

  it("rejects a valid token of a tenant that no organisation is connected to", async () => {
    const stranger = op.addAccount({
      tid: OTHER_TENANT,
      oid: crypto.randomUUID(),
      preferred_username: staffEmail,
      name: "Same Address",
    });
    const { accessToken } = await op.signIn({ segment: OTHER_TENANT, accountId: stranger });
    await expect401(accessToken, "unknown_tenant");
  });

  it("Kuvert 2FA: Entra MFA stands in only when the organisation trusts it and amr says mfa", async () => {
    const delivery = await startDelivery();
    try {
      const mfaOrg = await buildOrganisation();
      const mfaTenant = crypto.randomUUID();
      const connect = (values: Record<string, string>) =>
        transaction((t) => commands["org:microsoft"].run(t, { org: mfaOrg.name, tenant: mfaTenant, ...values }));
      await connect({});
      const user = await buildUser({ organisation: mfaOrg, email: uniqueEmail("frida") });
      await enableTotp(await signInWithPassword(user), user, delivery);
      const oid = crypto.randomUUID();
      const withMfa = op.addAccount({
        tid: mfaTenant,
        oid,
        preferred_username: user.email,
        name: "Frida",
        amr: ["pwd", "mfa"],
      });
      const passwordOnly = op.addAccount({
        tid: mfaTenant,
        oid,
        preferred_username: user.email,
        name: "Frida",
        amr: ["pwd"],
      });
      const token = async (account: string) =>
        (await op.signIn({ segment: mfaTenant, accountId: account })).accessToken;
      const refused = async (account: string) => {
        const res = await post(await token(account));
        expect(res.status, res.text).to.equal(401);
        expect(res.body.error).to.equal("microsoft_second_factor_required");
        expect(res.body).not.to.have.property("token");
      };

      // Default: the organisation does not trust Entra MFA; Kuvert's own second factor applies.
      await refused(withMfa);
      await refused(passwordOnly);
      expect((await User.findByPk(user.id))?.entraObjectId ?? null, "no binding on a refused sign-in").to.equal(null);

      expect(await connect({ "trust-mfa": "yes" })).to.deep.include({ entraMfaSatisfiesSecondFactor: true });
      await refused(passwordOnly);
      const ok = await post(await token(withMfa));
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.body.user.id).to.equal(user.id);
      const audit = await AuditEvent.findOne({ where: { type: "login.microsoft", userId: user.id } });
      expect(audit?.data).to.deep.include({ entraMfa: true });

      // Turned off again: refused again, even with MFA.
      await connect({ "trust-mfa": "no" });
      await refused(withMfa);
      // A user without Kuvert 2FA is not asked for it.
      const plain = await buildUser({ organisation: mfaOrg, email: uniqueEmail("gustav") });
      const plainAccount = op.addAccount({
        tid: mfaTenant,
        oid: crypto.randomUUID(),
        preferred_username: plain.email,
        name: "Gustav",
      });
      expect((await post(await token(plainAccount))).status).to.equal(200);
    } finally {
      await delivery.close();
    }
  });

  it("rejects valid tokens of people who are not active staff of that organisation", async () => {
    const unknown = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: uniqueEmail("nobody"),
      name: "Nobody",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: unknown })).accessToken, "unknown_user");

    const goneEmail = uniqueEmail("gone");
    const gone = await buildUser({ organisation: org, email: goneEmail });
    await gone.update({ status: "deactivated" });
    const goneAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: goneEmail,
      name: "Gone",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: goneAccount })).accessToken, "unknown_user");

    const elsewhereEmail = uniqueEmail("elsewhere");
    await buildUser({ organisation: await buildOrganisation(), email: elsewhereEmail });
    const elsewhere = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: elsewhereEmail,
      name: "Other org",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: elsewhere })).accessToken, "unknown_user");

    const recipientEmail = uniqueEmail("recipient");
    await buildUser({ organisation: null, email: recipientEmail });
    const recipient = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: recipientEmail,
      name: "Recipient",
    });
    await expect401((await op.signIn({ segment: TENANT, accountId: recipient })).accessToken, "unknown_user");
  });

  it("tells the add-in its NAA settings (GET /api/auth/microsoft/config), 404 when Microsoft sign-in is off", async () => {
    const res = await api.get<{ clientId: string; scope: string; authority: string }>("/api/auth/microsoft/config");
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({
      clientId: CLIENT_ID,
      scope: `${apiResource(CLIENT_ID)}/access_as_user`,
      authority: "https://login.microsoftonline.com/organizations",
    });
    const configured = env();
    try {
      setEnv({ ...configured, ENTRA_CLIENT_ID: undefined });
      const off = await api.get<{ error: string }>("/api/auth/microsoft/config");
      expect(off.status).to.equal(404);
      expect(off.body.error).to.equal("microsoft_sign_in_disabled");
    } finally {
      setEnv(configured);
    }
  });

  it("answers 503 when the key set cannot be fetched, and 404 when Microsoft sign-in is off", async () => {
    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    const configured = env();
    try {
      setEnv({ ...configured, ENTRA_JWKS_URL: "http://127.0.0.1:9/keys" });
      const down = await post(accessToken);
      expect(down.status, down.text).to.equal(503);
      setEnv({ ...configured, ENTRA_CLIENT_ID: undefined });
      const off = await post(accessToken);
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
    expect(await failure({ org: org.name, tenant: TENANT, "trust-mfa": "maybe" })).to.equal("invalid_argument");

    const { accessToken } = await op.signIn({ segment: TENANT, accountId: staffAccount });
    await run({ org: org.name, tenant: "none" });
    await expect401(accessToken, "unknown_tenant");
    await run({ org: org.name, tenant: TENANT });
    expect((await post(accessToken)).status).to.equal(200);
    const audit = await AuditEvent.findOne({
      where: { type: "organisation.microsoft_disconnected", organisationId: org.id },
    });
    expect(audit).not.to.equal(null);
  });

  it("the operator unlinks a bound Microsoft account (kuvert user:microsoft-unlink); the next sign-in binds anew", async () => {
    const email = uniqueEmail("helga");
    const helga = await buildUser({ organisation: org, email });
    const oldAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: email,
      name: "Helga",
    });
    expect((await post((await op.signIn({ segment: TENANT, accountId: oldAccount })).accessToken)).status).to.equal(
      200,
    );
    const newAccount = op.addAccount({
      tid: TENANT,
      oid: crypto.randomUUID(),
      preferred_username: email,
      name: "Helga",
    });
    expect((await post((await op.signIn({ segment: TENANT, accountId: newAccount })).accessToken)).status).to.equal(
      403,
    );

    const out = await transaction((t) => commands["user:microsoft-unlink"].run(t, { email }));
    expect(out).to.deep.equal({ email, wasLinked: true });
    const res = await post((await op.signIn({ segment: TENANT, accountId: newAccount })).accessToken);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.user.id).to.equal(helga.id);
    // The old Entra object is no longer Helga.
    op.updateAccount(oldAccount, { preferred_username: uniqueEmail("helga.old") });
    await expect401((await op.signIn({ segment: TENANT, accountId: oldAccount })).accessToken, "unknown_user");
  });
});
