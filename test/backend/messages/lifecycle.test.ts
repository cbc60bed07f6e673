import { Readable } from "node:stream";
import crypto from "node:crypto";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { sendMessage } from "../../../backend/src/commands/sendMessage.js";
import { Message } from "../../../backend/src/models/Message.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import { MailboxEntry } from "../../../backend/src/models/MailboxEntry.js";
import { MessageRecipient } from "../../../backend/src/models/MessageRecipient.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { BlobDeletion } from "../../../backend/src/models/BlobDeletion.js";
import { blobStore } from "../../../backend/src/services/blobs/index.js";
import { sweepExpiredMessages } from "../../../backend/src/jobs/expirySweeper.js";
import { reapBlobs } from "../../../backend/src/jobs/blobReaper.js";
import { recordRead, BURN_GRACE_MS } from "../../../backend/src/commands/recordRead.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../../support/factories.js";

async function send(
  sender: User,
  to: User[],
  opts: { expiresAt?: Date; burnAfterReading?: boolean } = {},
): Promise<Message> {
  const { message } = await transaction((t) =>
    sendMessage(t, {
      sender,
      to: to.map((u) => ({ email: u.email, mobile: u.mobile ?? undefined })),
      subject: "Beslut om bistånd",
      text: "Hej! Här är beslutet.",
      html: null,
      options: {
        idCheck: false,
        burnAfterReading: opts.burnAfterReading ?? false,
        eyesOnly: false,
        readReceipt: false,
        notify: true,
        hideRecipients: false,
        expiresAt: opts.expiresAt ?? null,
      },
    }),
  );
  return message;
}

/** A stored ciphertext blob attached to the message (as the upload path would leave it). */
async function attachBlob(message: Message): Promise<string> {
  const { key, size } = await blobStore().put("se", Readable.from([crypto.randomBytes(200_000)]));
  await Attachment.create({ messageId: message.id, blobKey: key, ciphertextSize: size, recordCount: 4 });
  return key;
}

async function signIn(user: User): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
  expect(res.status, res.text).to.equal(200);
  expect(res.body.next).to.equal("done");
  return api;
}

describe("message lifecycle: trash, permanent deletion, expiry", () => {
  let sender: User;
  let alice: User;
  let bob: User;

  before(async () => {
    const org = await buildOrganisation();
    sender = await buildUser({ organisation: org, role: "staff" });
    alice = await buildUser({ organisation: null });
    bob = await buildUser({ organisation: null });
  });

  it("trash and restore move only the caller's own entries", async () => {
    const message = await send(sender, [alice]);
    const api = await signIn(alice);
    const stranger = await signIn(bob);

    const foreign = await stranger.post("/api/mailbox/trash", { messageIds: [message.id] });
    expect(foreign.status).to.equal(200);
    expect(foreign.body.count).to.equal(0);
    expect((await MailboxEntry.findOne({ where: { userId: alice.id, messageId: message.id } }))!.folder).to.equal(
      "inbox",
    );

    expect((await api.post("/api/mailbox/trash", { messageIds: [message.id] })).body.count).to.equal(1);
    expect((await MailboxEntry.findOne({ where: { userId: alice.id, messageId: message.id } }))!.folder).to.equal(
      "trash",
    );
    expect((await api.post("/api/mailbox/trash/restore", { messageIds: [message.id] })).body.count).to.equal(1);
    expect((await MailboxEntry.findOne({ where: { userId: alice.id, messageId: message.id } }))!.folder).to.equal(
      "inbox",
    );
  });

  it("emptying the trash destroys the caller's key at once; the last reader's emptying shreds everything", async () => {
    const message = await send(sender, [alice]);
    const blobKey = await attachBlob(message);
    const aliceApi = await signIn(alice);
    const senderApi = await signIn(sender);

    await aliceApi.post("/api/mailbox/trash", { messageIds: [message.id] });
    const first = await aliceApi.post("/api/mailbox/trash/empty", {});
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ deleted: 1, shredded: 0 });
    expect(await KeyEnvelope.count({ where: { messageId: message.id, userId: alice.id } })).to.equal(0);
    expect(await KeyEnvelope.count({ where: { messageId: message.id, userId: sender.id } })).to.equal(1);
    expect((await Message.findByPk(message.id))!.content).to.be.a("string");

    await senderApi.post("/api/mailbox/trash", { messageIds: [message.id] });
    const last = await senderApi.post("/api/mailbox/trash/empty", { messageIds: [message.id] });
    expect(last.body).to.include({ deleted: 1, shredded: 1 });

    const gone = (await Message.findByPk(message.id))!;
    expect(gone.state).to.equal("shredded");
    expect(gone.content).to.equal(null);
    expect(await KeyEnvelope.count({ where: { messageId: message.id } })).to.equal(0);
    expect(await Attachment.count({ where: { messageId: message.id } })).to.equal(0);
    expect(await MailboxEntry.count({ where: { messageId: message.id } })).to.equal(0);

    // The blob is overwritten and removed by the reaper, which the commit triggers.
    expect(await BlobDeletion.count({ where: { blobKey } })).to.equal(1);
    expect(await reapBlobs()).to.be.greaterThan(0);
    expect(await blobStore().size(blobKey)).to.equal(null);
    expect(await BlobDeletion.count({ where: { blobKey } })).to.equal(0);
  });

  it("only empties messages that are in the trash", async () => {
    const message = await send(sender, [alice]);
    const api = await signIn(alice);
    const res = await api.post("/api/mailbox/trash/empty", { messageIds: [message.id] });
    expect(res.body).to.include({ deleted: 0 });
    expect(await KeyEnvelope.count({ where: { messageId: message.id, userId: alice.id } })).to.equal(1);
  });

  it("rejects malformed requests without changing anything", async () => {
    const api = await signIn(alice);
    expect((await api.post("/api/mailbox/trash", { messageIds: ["not-a-uuid"] })).status).to.equal(400);
    expect((await api.post("/api/mailbox/trash", { messageIds: [] })).status).to.equal(400);
    const anon = await ApiClient.create();
    expect((await anon.post("/api/mailbox/trash/empty", {})).status).to.equal(401);
  });

  it("the expiry sweeper crypto-shreds expired messages and marks their recipients expired", async () => {
    const expired = await send(sender, [alice, bob], { expiresAt: new Date(Date.now() + 60_000) });
    const fresh = await send(sender, [alice], { expiresAt: new Date(Date.now() + 3_600_000) });
    const blobKey = await attachBlob(expired);
    const swept = await sweepExpiredMessages(new Date(Date.now() + 120_000));
    expect(swept).to.be.greaterThan(0);
    const m = (await Message.findByPk(expired.id))!;
    expect(m.state).to.equal("expired");
    expect(m.content).to.equal(null);
    expect(await KeyEnvelope.count({ where: { messageId: expired.id } })).to.equal(0);
    const statuses = (await MessageRecipient.findAll({ where: { messageId: expired.id } })).map((r) => r.status);
    expect(statuses).to.deep.equal(["expired", "expired"]);
    // Still listed for the sender, with its final status.
    expect(await MailboxEntry.count({ where: { messageId: expired.id, userId: sender.id } })).to.equal(1);
    expect((await Message.findByPk(fresh.id))!.state).to.equal("active");
    await reapBlobs();
    expect(await blobStore().size(blobKey)).to.equal(null);
    // Running again finds nothing new for that message.
    await sweepExpiredMessages(new Date(Date.now() + 120_000));
    expect((await Message.findByPk(expired.id))!.state).to.equal("expired");
  });

  it("burn after reading with attachments burns the body at the last reveal, the attachments after a grace period", async () => {
    const message = await send(sender, [alice], { burnAfterReading: true });
    const blobKey = await attachBlob(message);
    const recipient = (await MessageRecipient.findOne({ where: { messageId: message.id, userId: alice.id } }))!;
    const result = await transaction((t) => recordRead(t, message, recipient));
    expect(result).to.deep.equal({ firstRead: true, burned: true });
    const waiting = (await Message.findByPk(message.id))!;
    expect(waiting.state).to.equal("burned");
    expect(waiting.content).to.equal(null);
    expect(waiting.shreddedAt).to.equal(null);
    // Only the recipient keeps an envelope (for the attachments); the sender's went with the body.
    expect((await KeyEnvelope.findAll({ where: { messageId: message.id } })).map((e) => e.userId)).to.deep.equal([
      alice.id,
    ]);
    expect(await blobStore().size(blobKey)).to.not.equal(null);
    const grace = waiting.expiresAt!.getTime() - Date.now();
    expect(grace).to.be.within(BURN_GRACE_MS - 5_000, BURN_GRACE_MS);

    await sweepExpiredMessages(new Date(Date.now() + BURN_GRACE_MS + 1_000));
    const burned = (await Message.findByPk(message.id))!;
    expect(burned.state).to.equal("burned");
    expect(burned.content).to.equal(null);
    expect(burned.shreddedAt).to.not.equal(null);
    expect(await KeyEnvelope.count({ where: { messageId: message.id } })).to.equal(0);
    expect((await MessageRecipient.findByPk(recipient.id))!.status).to.equal("burned");
    await reapBlobs();
    expect(await blobStore().size(blobKey)).to.equal(null);
  });

  it("burn after reading without attachments burns at the last reveal", async () => {
    const message = await send(sender, [alice, bob], { burnAfterReading: true });
    const [ra, rb] = await Promise.all(
      [alice, bob].map((u) => MessageRecipient.findOne({ where: { messageId: message.id, userId: u.id } })),
    );
    expect((await transaction((t) => recordRead(t, message, ra!))).burned).to.equal(false);
    expect((await Message.findByPk(message.id))!.state).to.equal("active");
    const again = (await Message.findByPk(message.id))!;
    expect((await transaction((t) => recordRead(t, again, rb!))).burned).to.equal(true);
    expect((await Message.findByPk(message.id))!.state).to.equal("burned");
    expect(await KeyEnvelope.count({ where: { messageId: message.id } })).to.equal(0);
  });
});
