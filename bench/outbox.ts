// Outbox throughput: notification e-mails delivered per second to a real SMTP server
// (smtp-server on loopback), from the outbox table to the server's "250 OK", through the real
// worker (claim, open the sealed payload, send, record the result). Baseline, measured in the
// same run: one delivery at a time over a new SMTP connection per e-mail, as the worker did
// before (concurrency 1, no pool). Then the worker as configured by default (8 in flight,
// nodemailer's pool of 5 connections). Each is run against a server that answers at once and
// one that takes 20 ms to accept a message (a relay writing its queue), and the ratio printed.
// Usage: npm run bench -- outbox [notifications per run, default 300]
// (BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306/ runs it on a fresh MySQL database.)
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { benchEnv } from "./support.js";
import { transaction } from "../backend/src/db.js";
import { env } from "../backend/src/env.js";
import { enqueueEmail } from "../backend/src/outbox/enqueue.js";
import { OutboxWorker } from "../backend/src/outbox/worker.js";
import { OutboxEntry } from "../backend/src/models/OutboxEntry.js";
import { smtpTransport, classifySmtpError, type MailTransport } from "../backend/src/services/mail/transport.js";
import { httpSmsProvider } from "../backend/src/services/sms/httpProvider.js";

const n = Number(process.argv[2] ?? 300);

interface Sink {
  url: string;
  received: number;
  connections: number;
  delayMs: number;
  close(): Promise<void>;
}

/** An SMTP server that reads each message and answers 250 after `delayMs`; it does not parse. */
async function startSink(): Promise<Sink> {
  const sink: Sink = { url: "", received: 0, connections: 0, delayMs: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    // No reverse DNS per connection: it would make the connection-per-mail baseline look worse.
    disableReverseLookup: true,
    onConnect(_s, cb) {
      sink.connections += 1;
      cb();
    },
    onData(stream, _s, cb) {
      stream.resume();
      stream.on("end", () => {
        sink.received += 1;
        if (sink.delayMs) setTimeout(() => cb(), sink.delayMs);
        else cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  sink.close = () => new Promise<void>((r) => server.close(() => r()));
  return sink;
}

/** The old way: a new SMTP connection for every e-mail. */
function connectionPerMail(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, { from });
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail({ ...mail, from });
        return { providerId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => transporter.close(),
  };
}

async function queue(count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    await transaction(async (t) => {
      for (let j = i; j < Math.min(count, i + 50); j++) {
        await enqueueEmail(t, {
          to: `reader${j}@bench.test`,
          template: "notification",
          locale: "sv",
          vars: { link: `http://kuvert.bench/r/${"x".repeat(43)}`, senderName: "Handläggare", subject: "" },
          reference: `bench:${j}`,
        });
      }
    });
  }
}

/** Queues `count` notifications, then runs the worker until all are sent; notifications per second. */
async function measure(worker: OutboxWorker, sink: Sink, count: number): Promise<number> {
  await OutboxEntry.destroy({ where: {} });
  await queue(count);
  const before = sink.received;
  const t0 = process.hrtime.bigint();
  for (;;) {
    const r = await worker.runOnce();
    if (r.claimed === 0) break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const sent = await OutboxEntry.count({ where: { status: "sent" } });
  if (sent !== count || sink.received - before !== count) {
    throw new Error(`expected ${count} delivered, table says ${sent}, server got ${sink.received - before}`);
  }
  return count / seconds;
}

async function main(): Promise<void> {
  const bench = await benchEnv();
  const sink = await startSink();
  const from = env().MAIL_FROM;
  const sms = httpSmsProvider({ url: "http://127.0.0.1:9/", token: "t", from: "Kuvert", timeoutMs: 100 });
  const common = { sms, intervalMs: 50, retryForMs: 60_000, backoffBaseMs: 1000, backoffCapMs: 1000, leaseMs: 60_000 };
  try {
    for (const delayMs of [0, 20]) {
      sink.delayMs = delayMs;
      const baselineWorker = new OutboxWorker({
        ...common,
        mail: connectionPerMail(sink.url, from),
        concurrency: 1,
        batchSize: 20,
      });
      const pool = smtpTransport(sink.url, from, { maxConnections: 5, maxMessages: 100 });
      const pooledWorker = new OutboxWorker({ ...common, mail: pool, concurrency: 8 });
      await measure(pooledWorker, sink, 20); // warm-up: modules, templates, JIT
      pool.close(); // the measured run opens its own connections
      const c0 = sink.connections;
      const baseline = await measure(baselineWorker, sink, n);
      const c1 = sink.connections;
      const pooled = await measure(pooledWorker, sink, n);
      const c2 = sink.connections;
      await baselineWorker.stop();
      await pooledWorker.stop();
      console.log(
        JSON.stringify({
          bench: "outbox-notifications",
          dialect: bench.dialect,
          notifications: n,
          serverDelayMs: delayMs,
          baselinePerSecond: +baseline.toFixed(1),
          baselineConnections: c1 - c0,
          pooledPerSecond: +pooled.toFixed(1),
          pooledConnections: c2 - c1,
          concurrency: 8,
          ratio: +(pooled / baseline).toFixed(2),
        }),
      );
    }
  } finally {
    await sink.close();
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
