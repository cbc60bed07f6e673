// Mailbox list and search latency (p50/p95) on a 10,000-message mailbox, through the real HTTP
// API (session, decryption of each listed subject, blind-index search), against a baseline
// measured in the same run: the bare database query for the same page, no HTTP, no crypto.
// Usage: npx tsx bench/mailbox.ts [messages, default 10000] [requests, default 100]
import crypto from "node:crypto";
import { benchEnv, percentile, signIn } from "./support.js";
import { transaction } from "../backend/src/db.js";
import { sendMessage } from "../backend/src/commands/sendMessage.js";
import { createOrganisation } from "../backend/src/commands/createOrganisation.js";
import { createUser } from "../backend/src/commands/createUser.js";
import { Message } from "../backend/src/models/Message.js";
import { KeyEnvelope } from "../backend/src/models/KeyEnvelope.js";
import { MailboxEntry } from "../backend/src/models/MailboxEntry.js";
import { SearchTerm } from "../backend/src/models/SearchTerm.js";

const total = Number(process.argv[2] ?? 10_000);
const requests = Number(process.argv[3] ?? 100);
const templates = 50;
const options = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: false,
  hideRecipients: false,
  expiresAt: null,
};
const vocabulary = [
  "beslut",
  "bistånd",
  "kallelse",
  "möte",
  "faktura",
  "remiss",
  "journal",
  "provsvar",
  "utredning",
  "ansökan",
  "överklagande",
  "tandvård",
  "skolskjuts",
  "bygglov",
  "hemtjänst",
];

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(values: number[]) {
  return { p50: +percentile(values, 50).toFixed(2), p95: +percentile(values, 95).toFixed(2) };
}

async function main(): Promise<void> {
  const bench = await benchEnv();
  try {
    const password = "Bench2026secret";
    const { sender, reader } = await transaction(async (t) => {
      const org = await createOrganisation(t, { name: "Bench" });
      return {
        sender: await createUser(t, {
          organisation: org,
          email: "sender@bench.test",
          mobile: "+46700000001",
          password,
          role: "staff",
          name: "Handläggare Bench",
        }),
        reader: await createUser(t, {
          organisation: null,
          email: "reader@bench.test",
          mobile: "+46700000002",
          password,
        }),
      };
    });
    const made: string[] = [];
    for (let i = 0; i < templates; i++) {
      const words = [vocabulary[i % vocabulary.length], vocabulary[(i * 7 + 3) % vocabulary.length]];
      const { message } = await transaction((t) =>
        sendMessage(t, {
          sender,
          to: [{ email: reader.email }],
          subject: `Ärende ${i}: ${words.join(" och ")}`,
          text: `Hej! Det gäller ${words[1]} nummer ${i}.`,
          html: null,
          options,
        }),
      );
      made.push(message.id);
    }
    // Clone the real messages (valid ciphertext, envelopes and index terms) up to `total`.
    const sources = await Message.findAll({ where: { id: made } });
    const envelopes = await KeyEnvelope.findAll({ where: { messageId: made } });
    const terms = await SearchTerm.findAll({ where: { messageId: made, userId: reader.id } });
    const start = Date.now() - total * 60_000;
    for (let batch = 0; batch < total - templates; batch += 500) {
      await transaction(async (t) => {
        const msgs = [],
          envs = [],
          entries = [],
          ts = [];
        for (let i = batch; i < Math.min(batch + 500, total - templates); i++) {
          const src = sources[i % sources.length];
          const id = crypto.randomUUID();
          msgs.push({
            id,
            threadId: id,
            parentId: null,
            senderId: sender.id,
            organisationId: sender.organisationId,
            content: src.content,
            expiresAt: null,
            notify: false,
          });
          for (const e of envelopes.filter((e) => e.messageId === src.id))
            envs.push({ messageId: id, userId: e.userId, jwe: e.jwe });
          entries.push({
            userId: reader.id,
            messageId: id,
            folder: "inbox" as const,
            unread: i % 3 === 0,
            createdAt: new Date(start + i * 60_000),
          });
          for (const term of terms.filter((x) => x.messageId === src.id))
            ts.push({ userId: reader.id, messageId: id, term: term.term });
        }
        await Message.bulkCreate(msgs, { transaction: t });
        await KeyEnvelope.bulkCreate(envs, { transaction: t });
        await MailboxEntry.bulkCreate(entries, { transaction: t });
        await SearchTerm.bulkCreate(ts, { transaction: t });
      });
    }
    const inbox = await MailboxEntry.count({ where: { userId: reader.id, folder: "inbox" } });
    const headers = await signIn(bench.url, reader.email, password);

    const baseline: number[] = [];
    const list: number[] = [];
    const search: number[] = [];
    let decrypted = 0;
    let hits = 0;
    for (let i = 0; i < requests; i++) {
      const offset = Math.floor(Math.random() * (inbox - 50));
      baseline.push(
        await timeMs(() =>
          MailboxEntry.findAll({
            where: { userId: reader.id, folder: "inbox" },
            order: [["createdAt", "DESC"]],
            limit: 50,
            offset,
          }),
        ),
      );
      list.push(
        await timeMs(async () => {
          const res = await fetch(`${bench.url}/api/mailbox/inbox?limit=50&offset=${offset}`, { headers });
          const body = (await res.json()) as { items: Array<{ subject?: string | null }> };
          decrypted += body.items.filter((it) => typeof it.subject === "string" && it.subject.length > 0).length;
        }),
      );
      const q = vocabulary[i % vocabulary.length].slice(0, 5);
      search.push(
        await timeMs(async () => {
          const res = await fetch(`${bench.url}/api/mailbox/inbox?limit=50&q=${encodeURIComponent(q)}`, { headers });
          const body = (await res.json()) as { total: number };
          hits += body.total;
        }),
      );
    }
    const b = stats(baseline);
    const l = stats(list);
    const s = stats(search);
    console.log(
      JSON.stringify({
        bench: "mailbox-10k",
        dialect: bench.dialect,
        messages: inbox,
        requests,
        pageSize: 50,
        decryptedSubjectsPerPage: +(decrypted / requests).toFixed(1),
        averageSearchHits: Math.round(hits / requests),
        baselineQueryMs: b,
        listMs: l,
        searchMs: s,
        listP50Ratio: +(l.p50 / b.p50).toFixed(1),
        searchP50Ratio: +(s.p50 / b.p50).toFixed(1),
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
