import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { ApiToken } from "../../../backend/src/models/ApiToken.js";
import type { User } from "../../../backend/src/models/User.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { escrowedPrivateKey } from "../../../backend/src/services/keys/userKeys.js";
import { ApiClient } from "../../support/server.js";
import { enableTotp, signIn } from "../../support/auth.js";
import { totpCodeAt } from "../../../backend/src/services/totp.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";

interface ReadBody {
  subject: string;
  text: string;
  sender: { email: string };
  attachments: Array<{ id: string; name: string; size: number }>;
  revealRequired: boolean;
  error?: string;
}

/** A token created through POST /api/account/tokens from a full password sign-in. */
async function tokenFromSession(
  browser: ApiClient,
  label = "Outlook add-in",
  password = defaultPassword,
): Promise<{ id: string; api: ApiClient }> {
  const created = await browser.post<{ id: string; token: string }>("/api/account/tokens", {
    label,
    password,
  });
  expect(created.status, created.text).to.equal(201);
  const api = await ApiClient.create();
  api.bearer = created.body.token;
  return { id: created.body.id, api };
}

describe("API tokens carry the signed-in user's key (read in the add-in)", () => {
  let staff: User;
  let alice: User;
  let mallory: User;
  let staffApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: org });
    mallory = await buildUser({ organisation: org });
    staffApi = await signIn(staff);
  });

  const send = async (to: User, subject: string, options: Record<string, boolean> = {}) => {
    const res = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: to.email }],
      subject,
      body: `${subject} — innehåll`,
      options,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  };

  it("a token made from a signed-in session reads a message and its attachment with the bearer alone; the row holds no plain key", async () => {
    const draft = await staffApi.post<{ id: string }>("/api/messages/drafts", {});
    const file = Buffer.from("Bilagans hemliga innehåll");
    const up = await staffApi.request("POST", `/api/messages/${draft.body.id}/attachments`, new Uint8Array(file), {
      "Content-Type": "text/plain",
      "X-File-Name": encodeURIComponent("beslut.txt"),
    });
    expect(up.status, up.text).to.equal(201);
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      draftId: draft.body.id,
      to: [{ email: alice.email }],
      subject: "Till Outlook",
      body: "Läs i tillägget",
    });
    expect(sent.status, sent.text).to.equal(201);

    const { id, api } = await tokenFromSession(await signIn(alice));
    const read = await api.get<ReadBody>(`/api/messages/${sent.body.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.include({ subject: "Till Outlook", text: "Läs i tillägget" });
    expect(read.body.sender.email).to.equal(staff.email);
    expect(read.body.attachments.map((a) => a.name)).to.deep.equal(["beslut.txt"]);
    const download = await fetch(
      `${api.baseUrl}/api/messages/${sent.body.id}/attachments/${read.body.attachments[0].id}`,
      { headers: { Authorization: `Bearer ${api.bearer}` } },
    );
    expect(download.status).to.equal(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).to.equal(true);

    const row = await ApiToken.findByPk(id);
    expect(row?.privateKeySealed).to.match(/^k1\./);
    const key = await transaction((t) => escrowedPrivateKey(t, alice));
    const d = (key!.toJSON(true) as { d: string }).d;
    const stored = JSON.stringify(await ApiToken.findAll({ where: { userId: alice.id }, raw: true }));
    expect(stored).to.not.contain(d);
    expect(stored).to.not.contain(api.bearer!.split(".")[1]);
  });

  it("another user's token cannot open it (404); a revoked token is 401 and its sealed key is gone", async () => {
    const messageId = await send(alice, "Bara för Alice");
    const stranger = await tokenFromSession(await signIn(mallory));
    expect((await stranger.api.get(`/api/messages/${messageId}`)).status).to.equal(404);

    const browser = await signIn(alice);
    const mine = await tokenFromSession(browser);
    expect((await mine.api.get(`/api/messages/${messageId}`)).status).to.equal(200);
    expect((await browser.delete(`/api/account/tokens/${mine.id}`)).status).to.equal(204);
    const revoked = await mine.api.get(`/api/messages/${messageId}`);
    expect(revoked.status).to.equal(401);
    expect(revoked.body.error).to.equal("invalid_token");
    expect((await ApiToken.findByPk(mine.id))?.privateKeySealed).to.equal(null);
  });

  it("a tampered or forged secret is 401, never a key", async () => {
    const messageId = await send(alice, "Manipulera");
    const { id, api } = await tokenFromSession(await signIn(alice));
    const secret = api.bearer!.split(".")[1];
    const tampered = await ApiClient.create();
    tampered.bearer = `kvt_${id}.${(secret[0] === "A" ? "B" : "A") + secret.slice(1)}`;
    expect((await tampered.get(`/api/messages/${messageId}`)).status).to.equal(401);
    const forged = await ApiClient.create();
    forged.bearer = `kvt_${id}.${"A".repeat(43)}`;
    expect((await forged.get(`/api/messages/${messageId}`)).status).to.equal(401);
    const otherRow = await ApiClient.create();
    const theirs = await tokenFromSession(await signIn(mallory));
    otherRow.bearer = `kvt_${theirs.id}.${secret}`;
    expect((await otherRow.get(`/api/messages/${messageId}`)).status).to.equal(401);
  });

  it("after a password change the old token ends (401) and its sealed key is gone; a new token reads", async () => {
    const bob = await buildUser();
    const messageId = await send(bob, "Före bytet");
    const browser = await signIn(bob);
    const { id, api } = await tokenFromSession(browser);
    expect((await api.get(`/api/messages/${messageId}`)).status).to.equal(200);
    const changed = await browser.post("/api/account/password", {
      currentPassword: defaultPassword,
      newPassword: "Another9horse-staple",
    });
    expect(changed.status, changed.text).to.equal(200);
    const ended = await api.get(`/api/messages/${messageId}`);
    expect(ended.status).to.equal(401);
    expect(ended.body.error).to.equal("invalid_token");
    expect((await ApiToken.findByPk(id))?.privateKeySealed).to.equal(null);
    // A token made after signing in with the new password reads again.
    const fresh = await tokenFromSession(
      await signIn(bob, "Another9horse-staple"),
      "Outlook add-in",
      "Another9horse-staple",
    );
    expect((await fresh.api.get(`/api/messages/${messageId}`)).status).to.equal(200);
  });

  it("deleting the account deletes its tokens with their sealed keys", async () => {
    const carol = await buildUser();
    const browser = await signIn(carol);
    const { id, api } = await tokenFromSession(browser);
    const secret = await enableTotp(carol);
    expect((await ApiToken.findByPk(id))?.privateKeySealed).to.match(/^k1\./);
    const deleted = await browser.delete("/api/account", {
      password: defaultPassword,
      method: "totp",
      code: totpCodeAt(secret, Date.now() / 1000 + 30),
    });
    expect(deleted.status, deleted.text).to.equal(204);
    expect(await ApiToken.count({ where: { userId: carol.id } })).to.equal(0);
    expect((await api.get("/api/auth/me")).status).to.equal(401);
  });

  it("key-less tokens (Microsoft sign-in issues them) still answer keys_locked", async () => {
    const messageId = await send(alice, "Nyckellös");
    const { token } = await transaction((t) => issueApiToken(t, alice, "Microsoft"));
    const api = await ApiClient.create();
    api.bearer = token;
    const res = await api.get(`/api/messages/${messageId}`);
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("keys_locked");
  });

  it("keeps the rules: ID-checked messages need an ID-checked session; unrevealed burn-after-reading answers as before", async () => {
    const { api } = await tokenFromSession(await signIn(alice));
    const checked = await send(alice, "Kontroll", { idCheck: true });
    expect((await api.get(`/api/messages/${checked}`)).body.error).to.equal("id_check_required");
    const burn = await send(alice, "Bränn", { burnAfterReading: true });
    const res = await api.get<ReadBody>(`/api/messages/${burn}`);
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("keys_locked");
    expect(res.text).to.not.contain("Bränn");
    expect((await api.post(`/api/messages/${burn}/reveal`)).body.error).to.equal("keys_locked");
    // Still unread: the web mailbox's reveal works and counts.
    const revealed = await (await signIn(alice)).post<ReadBody>(`/api/messages/${burn}/reveal`);
    expect(revealed.status, revealed.text).to.equal(200);
  });
});
