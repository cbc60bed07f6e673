import crypto from "node:crypto";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { sendMessage } from "../../../backend/src/commands/sendMessage.js";
import { MessageRecipient } from "../../../backend/src/models/MessageRecipient.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import type { User } from "../../../backend/src/models/User.js";
import { env } from "../../../backend/src/env.js";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { inboundFixture, type InboundFixture } from "../../support/inbound.js";

const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

/** Sends a message and returns the recipient row and the Message-ID of its notification e-mail. */
async function notified(sender: User, to: User): Promise<{ recipientId: string; messageId: string }> {
  const { recipients } = await transaction((t) =>
    sendMessage(t, { sender, to: [{ email: to.email }], subject: "Beslut", text: "Hej", html: null, options }),
  );
  const recipientId = recipients[0].recipient.id;
  const entry = (await OutboxEntry.findOne({ where: { reference: `message_recipient:${recipientId}` } }))!;
  return { recipientId, messageId: entry.messageId! };
}

/** Each delivery report needs its own Message-ID (redelivered mail is processed once). */
function fresh(raw: Buffer): Buffer {
  return Buffer.from(
    raw
      .toString("utf8")
      .replace(/^(Message-I[dD]:[ \t]*)<[^>]+>/m, (_m, p: string) => `${p}<${crypto.randomUUID()}@mta.example>`),
  );
}

describe("delivery status from bounces and auto-replies (F14)", () => {
  let api: ApiClient;
  let sender: User;
  before(async () => {
    api = await ApiClient.create();
    sender = await buildUser({ organisation: await buildOrganisation() });
  });

  async function post(fixture: InboundFixture, messageId: string) {
    const res = await api.request("POST", "/api/inbound/mail", fresh(inboundFixture(fixture, messageId)), {
      Authorization: `Bearer ${env().INBOUND_TOKEN}`,
      "Content-Type": "message/rfc822",
    });
    expect(res.status, res.text).to.equal(202);
    return res.body.classification;
  }

  async function status(recipientId: string) {
    return (await MessageRecipient.findByPk(recipientId))!.status;
  }

  it("a final bounce marks the recipient bounced; a delayed one changes nothing", async () => {
    const n = await notified(sender, await buildUser({ organisation: null }));
    expect(await post("dsn-delayed-4.4.7", n.messageId)).to.equal("bounce");
    expect(await status(n.recipientId)).to.equal("notified");
    expect(await post("dsn-5.1.1", n.messageId)).to.equal("bounce");
    expect(await status(n.recipientId)).to.equal("bounced");
  });

  it("an out-of-office reply marks the recipient away, but never overrides a real read", async () => {
    const n = await notified(sender, await buildUser({ organisation: null }));
    expect(await post("exchange-auto-reply", n.messageId)).to.equal("auto_reply");
    expect(await status(n.recipientId)).to.equal("away");

    const read = await notified(sender, await buildUser({ organisation: null }));
    await MessageRecipient.update({ status: "read", readAt: new Date() }, { where: { id: read.recipientId } });
    await post("gmail-vacation", read.messageId);
    expect(await status(read.recipientId)).to.equal("read");
  });

  it("mail that matches no notification changes no recipient", async () => {
    const n = await notified(sender, await buildUser({ organisation: null }));
    await post("dsn-5.1.1", `<${crypto.randomUUID()}@kuvert.test>`);
    expect(await status(n.recipientId)).to.equal("notified");
  });
});
