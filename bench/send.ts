// Send of a small message to 3 recipients: messages per second with concurrency, through the
// real send command (encryption, envelopes, outbox), against a baseline that inserts the same
// rows without any cryptography, in the same run on the same database.
// Usage: npx tsx bench/send.ts [messages, default 200] [concurrency, default 4]
import crypto from "node:crypto";
import { benchEnv, runConcurrent } from "./support.js";
import { transaction } from "../backend/src/db.js";
import { sendMessage } from "../backend/src/commands/sendMessage.js";
import { createOrganisation } from "../backend/src/commands/createOrganisation.js";
import { createUser } from "../backend/src/commands/createUser.js";
import { Message } from "../backend/src/models/Message.js";
import { KeyEnvelope } from "../backend/src/models/KeyEnvelope.js";
import { MessageRecipient } from "../backend/src/models/MessageRecipient.js";
import { MailboxEntry } from "../backend/src/models/MailboxEntry.js";
import { OutboxEntry } from "../backend/src/models/OutboxEntry.js";
import type { User } from "../backend/src/models/User.js";

const n = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 4);
const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

async function main(): Promise<void> {
  const bench = await benchEnv();
  try {
    const { sender, recipients } = await transaction(async (t) => {
      const org = await createOrganisation(t, { name: "Bench" });
      const sender = await createUser(t, {
        organisation: org,
        email: "sender@bench.test",
        mobile: "+46700000001",
        password: "Bench2026secret",
        role: "staff",
      });
      const recipients: User[] = [];
      for (let i = 0; i < 3; i++)
        recipients.push(
          await createUser(t, {
            organisation: null,
            email: `r${i}@bench.test`,
            mobile: `+4670000001${i}`,
            password: "Bench2026secret",
          }),
        );
      return { sender, recipients };
    });
    const to = recipients.map((r) => ({ email: r.email }));
    const body = "Hej! Här kommer beslutet om bistånd. Hör av dig om du har frågor.";
    const sample = await transaction((t) =>
      sendMessage(t, { sender, to, subject: "Beslut", text: body, html: null, options }),
    );
    const contentLength = sample.message.content!.length;
    const envelopeLength = (await KeyEnvelope.findOne({ where: { messageId: sample.message.id } }))!.jwe.length;
    const filler = (len: number) =>
      crypto
        .randomBytes(Math.ceil(len * 0.75))
        .toString("base64url")
        .slice(0, len);

    const baseline = await runConcurrent(n, concurrency, async () => {
      await transaction(async (t) => {
        const id = crypto.randomUUID();
        await Message.create(
          {
            id,
            threadId: id,
            parentId: null,
            senderId: sender.id,
            organisationId: sender.organisationId,
            content: filler(contentLength),
            expiresAt: null,
          },
          { transaction: t },
        );
        await KeyEnvelope.bulkCreate(
          [sender, ...recipients].map((u) => ({ messageId: id, userId: u.id, jwe: filler(envelopeLength) })),
          { transaction: t },
        );
        await MailboxEntry.create(
          { userId: sender.id, messageId: id, folder: "sent", unread: false },
          { transaction: t },
        );
        for (const r of recipients) {
          await MessageRecipient.create(
            {
              messageId: id,
              userId: r.id,
              status: "notified",
              mobile: null,
              tokenHash: crypto.randomBytes(32).toString("hex"),
              tokenExpiresAt: null,
            },
            { transaction: t },
          );
          await MailboxEntry.create({ userId: r.id, messageId: id, folder: "inbox", unread: true }, { transaction: t });
          await OutboxEntry.create({ channel: "email", payload: filler(1200), status: "pending" }, { transaction: t });
        }
      });
    });
    const real = await runConcurrent(n, concurrency, async () => {
      await transaction((t) => sendMessage(t, { sender, to, subject: "Beslut", text: body, html: null, options }));
    });
    const baseRate = n / baseline;
    const realRate = n / real;
    console.log(
      JSON.stringify({
        bench: "send-3-recipients",
        dialect: bench.dialect,
        messages: n,
        concurrency,
        baselinePerSecond: +baseRate.toFixed(1),
        sendPerSecond: +realRate.toFixed(1),
        ratio: +(realRate / baseRate).toFixed(3),
      }),
    );
  } finally {
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
