import { expect } from "chai";
import type { User } from "../../../backend/src/models/User.js";
import { Message } from "../../../backend/src/models/Message.js";
import { BURN_GRACE_MS } from "../../../backend/src/commands/recordRead.js";
import { sweepExpiredMessages } from "../../../backend/src/jobs/expirySweeper.js";
import { clock } from "../../../backend/src/services/clock.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { ApiClient } from "../../support/server.js";
import { pseudoRandomBytes, sendDraft } from "../../support/attachments.js";
import { advanceClock } from "../../support/clock.js";
import { indexedMessageIds } from "../../../backend/src/services/search/index.js";

async function newDraft(api: ApiClient): Promise<string> {
  const res = await api.post("/api/messages/drafts", {});
  expect(res.status, res.text).to.equal(201);
  return res.body.id as string;
}

async function upload(api: ApiClient, draftId: string, data: Buffer): Promise<string> {
  const res = await api.request<{ id: string }>("POST", `/api/messages/${draftId}/attachments`, new Uint8Array(data), {
    "Content-Type": "application/octet-stream",
    "X-File-Name": "beslut.bin",
  });
  expect(res.status, res.text).to.equal(201);
  return res.body.id;
}

async function download(api: ApiClient, urlPath: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(api.baseUrl + urlPath, { headers: { Cookie: api.cookieHeader() } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe("burn after reading: the body is gone at the reveal, attachments only in the grace period", function () {
  this.timeout(30_000);
  let sender: User;
  let alice: User;
  let bob: User;
  let senderApi: ApiClient;
  let aliceApi: ApiClient;
  let bobApi: ApiClient;

  before(async () => {
    sender = await buildUser();
    alice = await buildUser();
    bob = await buildUser();
    senderApi = await signIn(sender);
    aliceApi = await signIn(alice);
    bobApi = await signIn(bob);
  });

  it("a recipient who revealed cannot read the body again: GET, reveal, thread and the encrypted form refuse", async () => {
    // Bob has not read yet, so the message itself is not burned when Alice reveals.
    const draftId = await newDraft(senderApi);
    await sendDraft(senderApi, draftId, [alice, bob], { text: "Engångskod 4711", burnAfterReading: true });
    expect([...(await indexedMessageIds(alice.id, [draftId]))]).to.deep.equal([draftId]);
    const reveal = await aliceApi.post<{ text: string }>(`/api/messages/${draftId}/reveal`, {});
    expect(reveal.status, reveal.text).to.equal(200);
    expect(reveal.body.text).to.equal("Engångskod 4711");
    // Her search terms for the body go with it; Bob's stay until he reveals.
    expect((await indexedMessageIds(alice.id, [draftId])).size).to.equal(0);
    expect((await indexedMessageIds(bob.id, [draftId])).size).to.equal(1);

    const again = await aliceApi.get(`/api/messages/${draftId}`);
    expect(again.status).to.equal(410);
    expect(again.body.error).to.equal("message_burned");
    expect(again.text).to.not.contain("4711");
    const revealAgain = await aliceApi.post(`/api/messages/${draftId}/reveal`, {});
    expect(revealAgain.status).to.equal(410);
    expect(revealAgain.body.error).to.equal("message_burned");
    expect(revealAgain.text).to.not.contain("4711");
    const encrypted = await aliceApi.get(`/api/messages/${draftId}/encrypted`);
    expect(encrypted.status).to.equal(410);
    expect(encrypted.body.error).to.equal("message_burned");
    const thread = await aliceApi.get(`/api/messages/${draftId}/thread`);
    expect(thread.status).to.equal(200);
    expect(thread.text).to.not.contain("4711");
  });

  it("after the last reveal: 410 message_burned for every reader; attachments for the revealing recipient until the grace ends", async () => {
    const data = pseudoRandomBytes(40_000, "burn-grace");
    const draftId = await newDraft(senderApi);
    const attachmentId = await upload(senderApi, draftId, data);
    await sendDraft(senderApi, draftId, [alice, bob], { text: "Hemligt beslut", burnAfterReading: true });
    const url = `/api/messages/${draftId}/attachments/${attachmentId}`;

    // Bob reveals first: he may download; Alice, who has not revealed, may not.
    expect((await bobApi.post(`/api/messages/${draftId}/reveal`, {})).status).to.equal(200);
    expect((await download(bobApi, url)).status).to.equal(200);
    const early = await aliceApi.get(url);
    expect(early.status).to.equal(403);
    expect(early.body.error).to.equal("reveal_required");

    // Alice's reveal is the last: the body is served this once and destroyed.
    const last = await aliceApi.post<{ text: string }>(`/api/messages/${draftId}/reveal`, {});
    expect(last.status, last.text).to.equal(200);
    expect(last.body.text).to.equal("Hemligt beslut");
    expect((await Message.findByPk(draftId))!.content).to.equal(null);

    for (const api of [aliceApi, bobApi, senderApi]) {
      const res = await api.get(`/api/messages/${draftId}`);
      expect(res.status).to.equal(410);
      expect(res.body.error).to.equal("message_burned");
      expect(res.text).to.not.contain("Hemligt");
      const reveal = await api.post(`/api/messages/${draftId}/reveal`, {});
      expect(reveal.status).to.equal(410);
      expect(reveal.body.error).to.equal("message_burned");
    }

    // In the grace period the recipients who revealed still get the file; the sender does not.
    const got = await download(aliceApi, url);
    expect(got.status).to.equal(200);
    expect(got.body.equals(data)).to.equal(true);
    expect((await download(bobApi, url)).status).to.equal(200);
    const bySender = await senderApi.get(url);
    expect(bySender.status).to.equal(410);
    expect(bySender.body.error).to.equal("message_burned");
    const stranger = await signIn(await buildUser());
    expect((await stranger.get(url)).status).to.equal(404);

    // After the grace period: refused, before and after the sweeper ran.
    advanceClock(BURN_GRACE_MS + 1_000);
    const late = await aliceApi.get(url);
    expect(late.status).to.equal(410);
    expect(late.body.error).to.equal("message_burned");
    await sweepExpiredMessages(clock.now());
    const swept = await aliceApi.get(url);
    expect(swept.status).to.equal(410);
    expect(swept.body.error).to.equal("message_burned");
    expect((await Message.findByPk(draftId))!.shreddedAt).to.not.equal(null);
  });

  it("a message burned without attachments answers 410 message_burned, not 404, to its readers", async () => {
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Kort",
      body: "Bara en gång",
      options: { burnAfterReading: true },
    });
    expect((await aliceApi.post(`/api/messages/${sent.body.id}/reveal`, {})).status).to.equal(200);
    for (const api of [aliceApi, senderApi]) {
      const res = await api.get(`/api/messages/${sent.body.id}`);
      expect(res.status).to.equal(410);
      expect(res.body.error).to.equal("message_burned");
    }
    // Someone who never was a reader learns nothing: still 404.
    expect((await bobApi.get(`/api/messages/${sent.body.id}`)).status).to.equal(404);
  });
});
