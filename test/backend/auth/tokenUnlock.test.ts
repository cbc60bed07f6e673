// POST /api/tokens/current/unlock and GET /api/tokens/current (issue 12, F7): a key-less API
// token from Microsoft sign-in gets the user's private key with the Kuvert password, never
// from escrow, sealed to that token only.
import crypto from "node:crypto";
import { expect } from "chai";
import { Op } from "sequelize";
import { transaction } from "../../../backend/src/db.js";
import { ApiToken } from "../../../backend/src/models/ApiToken.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import type { Organisation } from "../../../backend/src/models/Organisation.js";
import { User } from "../../../backend/src/models/User.js";
import { createUser } from "../../../backend/src/commands/createUser.js";
import { setZeroAccess } from "../../../backend/src/commands/setZeroAccess.js";
import { signInWithMicrosoft } from "../../../backend/src/commands/signInWithMicrosoft.js";
import { revokeApiToken } from "../../../backend/src/services/apiTokens.js";
import { escrowedPrivateKey } from "../../../backend/src/services/keys/userKeys.js";
import { ApiClient } from "../../support/server.js";
import { signIn, withEnv } from "../../support/auth.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail, uniqueMobile } from "../../support/factories.js";

interface ReadBody {
  subject: string;
  text: string;
  sender: { email: string };
  attachments: Array<{ id: string; name: string }>;
  error?: string;
}

interface CurrentBody {
  id: string;
  label: string;
  keyUnlocked: boolean;
  passwordSet: boolean;
  error?: string;
}

const meta = { ip: "192.0.2.7", userAgent: "Outlook test" };

/** Connects `org` to a fresh Entra tenant (once). */
async function connect(org: Organisation): Promise<string> {
  if (!org.entraTenantId) await org.update({ entraTenantId: crypto.randomUUID() });
  return org.entraTenantId!;
}

const objectIds = new Map<string, string>();

/** A key-less token, as POST /api/auth/microsoft issues it (the verified identity is given directly). */
async function microsoftToken(user: User, org: Organisation): Promise<{ id: string; api: ApiClient }> {
  const tenantId = await connect(org);
  const objectId = objectIds.get(user.id) ?? crypto.randomUUID();
  objectIds.set(user.id, objectId);
  const result = await transaction((t) =>
    signInWithMicrosoft(t, { tenantId, objectId, username: user.email, name: null, mfa: false }, meta),
  );
  if (result.kind !== "ok") throw new Error(`Microsoft sign-in failed: ${result.kind}`);
  const api = await ApiClient.create();
  api.bearer = result.token;
  return { id: result.tokenId, api };
}

const unlock = (api: ApiClient, password: unknown = defaultPassword) =>
  api.post<{ keyUnlocked?: boolean; error?: string }>("/api/tokens/current/unlock", { password });

async function lastEvents(userId: string, types: string[], since: number): Promise<AuditEvent[]> {
  return AuditEvent.findAll({
    where: { userId, type: { [Op.in]: types }, id: { [Op.gt]: since } },
    order: [["id", "ASC"]],
  });
}

async function auditHead(): Promise<number> {
  return ((await AuditEvent.max("id")) as number | null) ?? 0;
}

describe("Unlocking a Microsoft sign-in token's key with the Kuvert password (POST /api/tokens/current/unlock)", function () {
  this.timeout(60_000);
  let org: Organisation;
  let staff: User;
  let staffApi: ApiClient;

  before(async () => {
    org = await buildOrganisation();
    staff = await buildUser({ organisation: org, name: "Sara Sändare" });
    staffApi = await signIn(staff);
  });

  const send = async (to: User, subject: string, attachment?: Buffer) => {
    let draftId: string | undefined;
    if (attachment) {
      const draft = await staffApi.post<{ id: string }>("/api/messages/drafts", {});
      draftId = draft.body.id;
      const up = await staffApi.request("POST", `/api/messages/${draftId}/attachments`, new Uint8Array(attachment), {
        "Content-Type": "text/plain",
        "X-File-Name": encodeURIComponent("beslut.txt"),
      });
      expect(up.status, up.text).to.equal(201);
    }
    const res = await staffApi.post<{ id: string }>("/api/messages", {
      ...(draftId ? { draftId } : {}),
      to: [{ email: to.email }],
      subject,
      body: `${subject} — innehåll`,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  };

  it("the right password: the token reads, downloads and replies; the seal is bound to it; escrow is untouched; audited without the password", async () => {
    const alice = await buildUser({ organisation: org });
    const file = Buffer.from("Bilaga till Outlook");
    const messageId = await send(alice, "Lås upp i Outlook", file);
    const { id, api } = await microsoftToken(alice, org);
    const escrowBefore = (await User.findByPk(alice.id))!.privateKeyEscrow;

    expect((await api.get(`/api/messages/${messageId}`)).body.error).to.equal("keys_locked");
    const before = await api.get<CurrentBody>("/api/tokens/current");
    expect(before.status, before.text).to.equal(200);
    expect(before.body).to.include({ id, keyUnlocked: false, passwordSet: true });

    const head = await auditHead();
    const res = await unlock(api);
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({ keyUnlocked: true });
    expect((await api.get<CurrentBody>("/api/tokens/current")).body.keyUnlocked).to.equal(true);

    const read = await api.get<ReadBody>(`/api/messages/${messageId}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.include({ subject: "Lås upp i Outlook", text: "Lås upp i Outlook — innehåll" });
    const download = await fetch(
      `${api.baseUrl}/api/messages/${messageId}/attachments/${read.body.attachments[0].id}`,
      {
        headers: { Authorization: `Bearer ${api.bearer}` },
      },
    );
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).to.equal(true);
    const reply = await api.post<{ id: string }>("/api/messages", {
      to: [{ email: staff.email }],
      subject: "Re: Lås upp i Outlook",
      body: "Tack!",
      replyTo: messageId,
    });
    expect(reply.status, reply.text).to.equal(201);
    const thread = await staffApi.get<{ messages: Array<{ text: string | null }> }>(
      `/api/messages/${messageId}/thread`,
    );
    expect(thread.body.messages.map((m) => m.text)).to.include("Tack!");

    // The key is sealed to this token, not stored in clear; escrow neither used nor changed.
    const row = await ApiToken.findByPk(id);
    expect(row?.privateKeySealed).to.match(/^k1\./);
    const d = ((await transaction((t) => escrowedPrivateKey(t, alice)))!.toJSON(true) as { d: string }).d;
    expect(JSON.stringify(await ApiToken.findAll({ where: { userId: alice.id }, raw: true }))).to.not.contain(d);
    expect((await User.findByPk(alice.id))!.privateKeyEscrow).to.equal(escrowBefore);
    const events = await lastEvents(alice.id, ["token.unlocked", "keys.escrow_recovered", "keys.regenerated"], head);
    expect(events.map((e) => e.type)).to.deep.equal(["token.unlocked"]);
    expect(events[0].data).to.deep.equal({ tokenId: id });
    const all = JSON.stringify(await AuditEvent.findAll({ where: { id: { [Op.gt]: head } }, raw: true }));
    expect(all).to.not.contain(defaultPassword);
  });

  it("in a zero-access organisation (no escrow copy at all) the password unlocks it", async () => {
    const zeroOrg = await buildOrganisation();
    const sender = await buildUser({ organisation: zeroOrg });
    const reader = await buildUser({ organisation: zeroOrg });
    await transaction((t) => setZeroAccess(t, zeroOrg, true));
    expect((await User.findByPk(reader.id))!.privateKeyEscrow).to.equal(null);
    const sent = await (
      await signIn(sender)
    ).post<{ id: string }>("/api/messages", { to: [{ email: reader.email }], subject: "Nollåtkomst", body: "hemligt" });
    expect(sent.status, sent.text).to.equal(201);
    const { api } = await microsoftToken(reader, zeroOrg);
    const head = await auditHead();
    expect((await unlock(api)).status).to.equal(200);
    const read = await api.get<ReadBody>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.text).to.equal("hemligt");
    expect((await User.findByPk(reader.id))!.privateKeyEscrow).to.equal(null);
    expect(await lastEvents(reader.id, ["keys.escrow_recovered", "keys.regenerated"], head)).to.deep.equal([]);
  });

  it("a wrong password is refused (403), audited and counted toward the lockout; the right one resets the count", async () => {
    const bob = await buildUser({ organisation: org });
    const messageId = await send(bob, "Fel lösenord");
    const { id, api } = await microsoftToken(bob, org);
    const head = await auditHead();
    const res = await unlock(api, "Wrong7password");
    expect(res.status, res.text).to.equal(403);
    expect(res.body.error).to.equal("invalid_password");
    expect((await User.findByPk(bob.id))!.failedLoginCount).to.equal(1);
    expect((await api.get(`/api/messages/${messageId}`)).body.error).to.equal("keys_locked");
    expect((await ApiToken.findByPk(id))!.privateKeySealed).to.equal(null);
    const events = await lastEvents(bob.id, ["token.unlock_failed", "login.failed"], head);
    expect(events.map((e) => [e.type, e.data])).to.deep.equal([
      ["token.unlock_failed", { tokenId: id, reason: "wrong_password" }],
      ["login.failed", { step: "unlock", consecutiveFailures: 1 }],
    ]);
    expect(JSON.stringify(events.map((e) => e.toJSON()))).to.not.contain("Wrong7password");
    // A wrong sign-in password adds to the same count.
    const login = await (await ApiClient.create()).post("/api/auth/login", { email: bob.email, password: "Nope7nope" });
    expect(login.status).to.equal(401);
    expect((await User.findByPk(bob.id))!.failedLoginCount).to.equal(2);
    expect((await unlock(api)).status).to.equal(200);
    expect((await User.findByPk(bob.id))!.failedLoginCount).to.equal(0);
  });

  it("three wrong passwords lock the account (423, audited) and revoke the token; a locked account refuses the right one too", async () => {
    const carol = await buildUser({ organisation: org });
    const { id, api } = await microsoftToken(carol, org);
    const head = await auditHead();
    expect((await unlock(api, "Wrong1password")).status).to.equal(403);
    expect((await unlock(api, "Wrong2password")).status).to.equal(403);
    const third = await unlock(api, "Wrong3password");
    expect(third.status, third.text).to.equal(423);
    expect(third.body.error).to.equal("account_locked");
    const user = (await User.findByPk(carol.id))!;
    expect(user.lockedAt).to.not.equal(null);
    const events = await lastEvents(carol.id, ["account.locked", "token.revoked"], head);
    expect(events.map((e) => [e.type, e.data])).to.deep.equal([
      ["account.locked", { mode: "hard", threshold: 3 }],
      ["token.revoked", { tokenId: id, reason: "account_locked" }],
    ]);
    // The token the guesses came through is revoked: it can neither unlock nor read.
    expect((await ApiToken.findByPk(id))!.revokedAt).to.not.equal(null);
    expect((await unlock(api)).status).to.equal(401);
    // The password sign-in is locked as well, and a new Microsoft token cannot unlock while it lasts.
    const login = await (
      await ApiClient.create()
    ).post("/api/auth/login", { email: carol.email, password: defaultPassword });
    expect(login.status).to.equal(423);
    await User.update({ lockedAt: null, lockUntil: null }, { where: { id: carol.id } });
    const again = await microsoftToken(carol, org);
    await User.update({ lockedAt: new Date(), lockUntil: null }, { where: { id: carol.id } });
    const refused = await unlock(again.api);
    expect(refused.status).to.equal(423);
    expect((await ApiToken.findByPk(again.id))!.privateKeySealed).to.equal(null);
  });

  it("parallel guesses cannot get past the threshold: at most two wrong-password answers, then locked", async () => {
    const judy = await buildUser({ organisation: org });
    const { id, api } = await microsoftToken(judy, org);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => unlock(api, `Guess${i}wrong`)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 403).length, statuses.join()).to.equal(2);
    expect(
      statuses.every((s) => [403, 423, 401].includes(s)),
      statuses.join(),
    ).to.equal(true);
    expect(statuses.filter((s) => s === 423).length).to.be.greaterThan(0);
    const user = (await User.findByPk(judy.id))!;
    expect(user.lockedAt).to.not.equal(null);
    expect(user.lockCount).to.equal(1);
    expect((await ApiToken.findByPk(id))!.revokedAt).to.not.equal(null);
  });

  it("a temporary lock answers 423 with Retry-After", async () => {
    const tempOrg = await buildOrganisation();
    await tempOrg.update({ policy: { ...tempOrg.policy, lockoutMode: "temporary", lockoutBaseDelaySeconds: 300 } });
    const dave = await buildUser({ organisation: tempOrg });
    const { api } = await microsoftToken(dave, tempOrg);
    await unlock(api, "Wrong1password");
    await unlock(api, "Wrong2password");
    const locked = await unlock(api, "Wrong3password");
    expect(locked.status).to.equal(423);
    expect(Number(locked.headers.get("retry-after"))).to.be.within(1, 300);
  });

  it("another user's token cannot be unlocked with my password: it counts against its owner and stays locked", async () => {
    const mine = await buildUser({ organisation: org });
    const theirs = await buildUser({ organisation: org, password: "Their9own-password" });
    const messageId = await send(theirs, "Inte din");
    const theirToken = await microsoftToken(theirs, org);
    const res = await unlock(theirToken.api, defaultPassword); // my password, their token
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("invalid_password");
    expect((await User.findByPk(theirs.id))!.failedLoginCount).to.equal(1);
    expect((await User.findByPk(mine.id))!.failedLoginCount).to.equal(0);
    expect((await theirToken.api.get(`/api/messages/${messageId}`)).body.error).to.equal("keys_locked");
    // My unlocked token does not read their message either.
    const myToken = await microsoftToken(mine, org);
    expect((await unlock(myToken.api)).status).to.equal(200);
    expect((await myToken.api.get(`/api/messages/${messageId}`)).status).to.equal(404);
  });

  it("a revoked token stays locked (401), and revoking an unlocked token drops its sealed key", async () => {
    const erin = await buildUser({ organisation: org });
    const messageId = await send(erin, "Återkallad");
    const first = await microsoftToken(erin, org);
    await transaction((t) => revokeApiToken(t, erin.id, first.id));
    const res = await unlock(first.api);
    expect(res.status).to.equal(401);
    expect(res.body.error).to.equal("invalid_token");
    expect((await ApiToken.findByPk(first.id))!.privateKeySealed).to.equal(null);
    expect((await User.findByPk(erin.id))!.failedLoginCount).to.equal(0);

    const second = await microsoftToken(erin, org);
    expect((await unlock(second.api)).status).to.equal(200);
    expect((await second.api.get(`/api/messages/${messageId}`)).status).to.equal(200);
    const browser = await signIn(erin);
    expect((await browser.delete(`/api/account/tokens/${second.id}`)).status).to.equal(204);
    expect((await second.api.get(`/api/messages/${messageId}`)).status).to.equal(401);
    expect((await ApiToken.findByPk(second.id))!.privateKeySealed).to.equal(null);
  });

  it("the sealed key is not usable by another token, even one of the same user", async () => {
    const frank = await buildUser({ organisation: org });
    const messageId = await send(frank, "Bunden");
    const unlocked = await microsoftToken(frank, org);
    const other = await microsoftToken(frank, org);
    expect((await unlock(unlocked.api)).status).to.equal(200);
    expect((await other.api.get(`/api/messages/${messageId}`)).body.error).to.equal("keys_locked");
    // Copy the seal into the other row: it is bound to the first token's id and secret.
    const sealed = (await ApiToken.findByPk(unlocked.id))!.privateKeySealed;
    await ApiToken.update({ privateKeySealed: sealed }, { where: { id: other.id } });
    const res = await other.api.get(`/api/messages/${messageId}`);
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("keys_locked");
    expect((await other.api.get<CurrentBody>("/api/tokens/current")).body.keyUnlocked).to.equal(false);
    // The first token's secret on the other row's id is not a token at all.
    const forged = await ApiClient.create();
    forged.bearer = `kvt_${other.id}.${unlocked.api.bearer!.split(".")[1]}`;
    expect((await forged.get(`/api/messages/${messageId}`)).status).to.equal(401);
  });

  it("an account without a Kuvert password: 409 password_not_set, nothing counted, passwordSet false", async () => {
    const grace = await transaction((t) =>
      createUser(t, { organisation: org, email: uniqueEmail("nopass"), mobile: uniqueMobile(), name: "Grace" }),
    );
    const { id, api } = await microsoftToken(grace, org);
    expect((await api.get<CurrentBody>("/api/tokens/current")).body).to.include({
      passwordSet: false,
      keyUnlocked: false,
    });
    const head = await auditHead();
    const res = await unlock(api, "Anything1goes");
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error).to.equal("password_not_set");
    expect((await User.findByPk(grace.id))!.failedLoginCount).to.equal(0);
    expect((await ApiToken.findByPk(id))!.privateKeySealed).to.equal(null);
    const events = await lastEvents(grace.id, ["token.unlock_failed", "keys.escrow_recovered"], head);
    expect(events.map((e) => [e.type, e.data])).to.deep.equal([
      ["token.unlock_failed", { tokenId: id, reason: "password_not_set" }],
    ]);
  });

  it("only for bearer tokens; the body is validated", async () => {
    const heidi = await buildUser({ organisation: org });
    const browser = await signIn(heidi);
    const bySession = await browser.post("/api/tokens/current/unlock", { password: defaultPassword });
    expect(bySession.status).to.equal(403);
    expect(bySession.body.error).to.equal("forbidden");
    expect((await browser.get("/api/tokens/current")).status).to.equal(403);
    const anonymous = await (await ApiClient.create()).post("/api/tokens/current/unlock", { password: "x" });
    expect(anonymous.status).to.equal(401);

    const { api } = await microsoftToken(heidi, org);
    for (const body of [{}, { password: "" }, { password: 7 }, { password: "x".repeat(1025) }]) {
      const res = await api.post("/api/tokens/current/unlock", body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
    }
  });

  it("rate-limited per user (429 with Retry-After), across the user's tokens", async () => {
    const ivan = await buildUser({ organisation: org });
    const { api } = await microsoftToken(ivan, org);
    await withEnv({ RATE_LIMIT_TOKEN_UNLOCK_USER_POINTS: 2 }, async () => {
      expect((await unlock(api, "Wrong1password")).status).to.equal(403);
      expect((await unlock(api, "Wrong2password")).status).to.equal(403);
      const limited = await unlock(api, defaultPassword);
      expect(limited.status).to.equal(429);
      expect(limited.body.error).to.equal("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).to.be.greaterThan(0);
      // Another token of the same user shares the per-user budget.
      expect((await unlock((await microsoftToken(ivan, org)).api)).status).to.equal(429);
    });
    // The refused requests were not counted as failures (only the two wrong passwords were).
    expect((await User.findByPk(ivan.id))!.failedLoginCount).to.equal(2);
  });
});
