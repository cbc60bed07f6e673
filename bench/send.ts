// Send of a small message to 3 recipients: messages per second with concurrency, through the
// real send command (encryption, envelopes, outbox, search index), against a baseline that
// inserts the same rows (random bytes of the same sizes, the same statements: one insert per
// table) without any cryptography, in the same run on the same database. Rounds alternate
// baseline and send; the ratio reported is the median of the per-round ratios.
// Usage: npx tsx bench/send.ts [messages, default 200] [concurrency, default 4] [rounds, default 3]
// (npm run bench -- send; BENCH_MYSQL_URL for MySQL/MariaDB)
import crypto from "node:crypto";
import os from "node:os";
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
import { SearchTerm } from "../backend/src/models/SearchTerm.js";
import type { User } from "../backend/src/models/User.js";

const n = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 4);
const rounds = Number(process.argv[4] ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
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
  const loadAverageBefore = os.loadavg().map((l) => +l.toFixed(2));
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

    const termRows = await SearchTerm.count({ where: { messageId: sample.message.id } });
    const termLength = 22;

    // The rows of one send, in the statements sendMessage uses (one insert per table).
    const bareInsert = () =>
      transaction(async (t) => {
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
        await MailboxEntry.bulkCreate(
          [
            { userId: sender.id, messageId: id, folder: "sent" as const, unread: false },
            ...recipients.map((r) => ({ userId: r.id, messageId: id, folder: "inbox" as const, unread: true })),
          ],
          { transaction: t },
        );
        await MessageRecipient.bulkCreate(
          recipients.map((r) => ({
            messageId: id,
            userId: r.id,
            status: "notified" as const,
            mobile: null,
            tokenHash: crypto.randomBytes(32).toString("hex"),
            tokenExpiresAt: null,
          })),
          { transaction: t },
        );
        await OutboxEntry.bulkCreate(
          recipients.map(() => ({ channel: "email" as const, payload: filler(1200), status: "pending" as const })),
          { transaction: t },
        );
        await SearchTerm.bulkCreate(
          Array.from({ length: termRows }, (_, i) => ({
            userId: [sender, ...recipients][i % 4].id,
            messageId: id,
            term: filler(termLength),
          })),
          { transaction: t },
        );
      });
    const realSend = async () => {
      await transaction((t) => sendMessage(t, { sender, to, subject: "Beslut", text: body, html: null, options }));
    };

    // Warm-up of both paths (JIT, statement caches) before the measured rounds.
    await runConcurrent(10, concurrency, bareInsert);
    await runConcurrent(10, concurrency, realSend);
    const results: Array<{ baselinePerSecond: number; sendPerSecond: number; ratio: number }> = [];
    for (let round = 0; round < rounds; round++) {
      const baseRate = n / (await runConcurrent(n, concurrency, bareInsert));
      const realRate = n / (await runConcurrent(n, concurrency, realSend));
      const r = {
        baselinePerSecond: +baseRate.toFixed(1),
        sendPerSecond: +realRate.toFixed(1),
        ratio: +(realRate / baseRate).toFixed(3),
      };
      results.push(r);
      console.log(JSON.stringify({ bench: "send-3-recipients", round: round + 1, ...r }));
    }
    console.log(
      JSON.stringify({
        bench: "send-3-recipients",
        dialect: bench.dialect,
        messages: n,
        concurrency,
        rounds,
        searchTermsPerMessage: termRows,
        baselinePerSecond: +median(results.map((r) => r.baselinePerSecond)).toFixed(1),
        sendPerSecond: +median(results.map((r) => r.sendPerSecond)).toFixed(1),
        ratio: +median(results.map((r) => r.ratio)).toFixed(3),
        loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
        loadAverageBefore,
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
