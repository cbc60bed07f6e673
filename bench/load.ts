// Load (issue 14): LOAD_SENDERS signed-in senders (default 50) work at the same time for
// LOAD_SECONDS (default 60), all from one client address (127.0.0.1) against one backend: the
// real app over loopback HTTP on a fresh database (SQLite, or a new database on the MariaDB/MySQL
// server of LOAD_MYSQL_URL). Each sender loops over a mix: send to 1–3 colleagues (one send in
// ten with a 1 MB attachment: draft, upload, send), list Sent, open a message, reply, search.
// The outbox worker runs as configured (WORKER_INTERVAL_MS, OUTBOX_CONCURRENCY, SMTP pool) and
// delivers the notifications to a real SMTP server (smtp-server on loopback) started here.
// Reports throughput, p50/p95/p99 per operation, errors (non-2xx or network, by status) and the
// notification delay (201 → the e-mail's arrival at the SMTP server), then the targets with
// pass/fail. Rate limits the load would hit are lifted (and named in the output) so that it
// measures speed, not the limiter.
// LOAD_WORKER=process (the default) runs the outbox worker as production does under load: its
// own process (`kuvert worker`, docs/operations.md), so request load cannot starve it;
// LOAD_WORKER=inline runs it inside the app's process instead.
// Usage: npm run bench -- load   (LOAD_SENDERS, LOAD_SECONDS, LOAD_MYSQL_URL, LOAD_DRAIN_MS, LOAD_WORKER)
import os from "node:os";
import crypto from "node:crypto";
import path from "node:path";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { benchEnv, percentile, signIn } from "./support.js";
import { transaction } from "../backend/src/db.js";
import { env, setEnv, type Env } from "../backend/src/env.js";
import { createOrganisation } from "../backend/src/commands/createOrganisation.js";
import { createUser } from "../backend/src/commands/createUser.js";
import { workerFromEnv } from "../backend/src/outbox/fromEnv.js";

const senders = Math.max(2, Number(process.env.LOAD_SENDERS ?? 50));
const seconds = Math.max(1, Number(process.env.LOAD_SECONDS ?? 60));
const password = "Bench2026secret";
/** No request may take longer than this (it then counts as a network error). */
const requestTimeoutMs = 30_000;
/** How long to wait after the run for the notifications still in the outbox. */
const drainMs = Number(process.env.LOAD_DRAIN_MS ?? 60_000);

const workerMode = process.env.LOAD_WORKER === "inline" ? "inline" : "process";

const targets = { p95Ms: 1500, errors: 0, notificationP95Ms: 10_000 };

/** The limits this load would hit at their defaults, lifted so that speed is measured. */
const lifted: Array<keyof Env & `RATE_LIMIT_${string}_POINTS`> = [
  "RATE_LIMIT_LOGIN_IP_POINTS",
  "RATE_LIMIT_SEND_USER_POINTS",
  "RATE_LIMIT_SEND_ORG_POINTS",
  "RATE_LIMIT_DRAFT_USER_POINTS",
  "RATE_LIMIT_UPLOAD_USER_POINTS",
  "RATE_LIMIT_SEARCH_USER_POINTS",
];

type Op = "send" | "draft" | "upload-1mb" | "send-attachment" | "list-sent" | "open" | "reply" | "search";
const ops: Op[] = ["send", "draft", "upload-1mb", "send-attachment", "list-sent", "open", "reply", "search"];

interface Sample {
  op: Op;
  ms: number;
  status: number;
}

const words = ["beslut", "bistånd", "ansökan", "utredning", "kallelse", "journal", "faktura", "intyg"];
const attachment = new Uint8Array(crypto.randomBytes(1024 * 1024));

interface OutboxRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The outbox worker inside this process (as the app's own in-process worker would run). */
function inlineWorker(): OutboxRunner {
  const worker = workerFromEnv();
  return { start: async () => worker.start(), stop: () => worker.stop() };
}

/** `kuvert worker` as a child process on the same database, master key and SMTP server. */
function workerProcess(): OutboxRunner {
  const e = env();
  const root = path.resolve(import.meta.dirname, "..");
  let child: ReturnType<typeof spawn> | null = null;
  return {
    async start() {
      child = spawn(process.execPath, [path.join(root, "bin/kuvert.js"), "worker"], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "test",
          LOG_LEVEL: "info",
          DATABASE_URL: e.DATABASE_URL,
          MASTER_KEY: e.MASTER_KEY,
          VAR_DIR: e.VAR_DIR,
          PUBLIC_URL: e.PUBLIC_URL,
          MAIL_FROM: e.MAIL_FROM,
          SMTP_URL: e.SMTP_URL,
          WORKER_INTERVAL_MS: String(e.WORKER_INTERVAL_MS),
          OUTBOX_CONCURRENCY: String(e.OUTBOX_CONCURRENCY),
        },
      });
      // Wait for its start line ({"worker":"started"}), so the run does not time its start-up.
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child!.stdout!.on("data", (c: Buffer) => {
          out += c;
          if (out.includes('"worker":"started"')) resolve();
        });
        child!.once("exit", (code) => reject(new Error(`kuvert worker exited (${code}) before it started`)));
      });
      child.stdout!.resume();
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await exited;
    },
  };
}

interface SmtpSink {
  url: string;
  /** Arrival times (ms since the epoch) per recipient address. */
  arrivals: Map<string, number[]>;
  received: number;
  close(): Promise<void>;
}

/** A real SMTP server that records when each message arrives, per envelope recipient. */
async function startSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { url: "", arrivals: new Map(), received: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    disableReverseLookup: true,
    onData(stream, session, cb) {
      stream.resume();
      stream.on("end", () => {
        const at = Date.now();
        for (const r of session.envelope.rcptTo) {
          const address = r.address.toLowerCase();
          sink.arrivals.set(address, [...(sink.arrivals.get(address) ?? []), at]);
          sink.received += 1;
        }
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  sink.close = () => new Promise<void>((r) => server.close(() => r()));
  return sink;
}

async function main(): Promise<void> {
  const loadAverageBefore = os.loadavg().map((l) => +l.toFixed(2));
  // support.ts makes a fresh database on the server of BENCH_MYSQL_URL and drops it afterwards.
  process.env.BENCH_MYSQL_URL = process.env.LOAD_MYSQL_URL ?? "";
  const sink = await startSink();
  const bench = await benchEnv();
  const liftedTo = 1_000_000;
  setEnv({
    ...env(),
    SMTP_URL: sink.url,
    ...Object.fromEntries(lifted.map((v) => [v, liftedTo])),
  });
  const worker = workerMode === "inline" ? inlineWorker() : workerProcess();
  try {
    const emails = await transaction(async (t) => {
      const org = await createOrganisation(t, { name: "Load" });
      const out: string[] = [];
      for (let i = 0; i < senders; i++) {
        const email = `staff${i}@load.test`;
        await createUser(t, {
          organisation: org,
          email,
          mobile: `+467000${String(i).padStart(5, "0")}`,
          password,
          role: "staff",
        });
        out.push(email);
      }
      return out;
    });
    // Sign-ins are not measured here (bench/signin.ts does); one after another, before the run.
    const sessions: Array<Record<string, string>> = [];
    for (const email of emails) sessions.push(await signIn(bench.url, email, password));
    await worker.start();

    const samples: Sample[] = [];
    /** When each notified recipient's 201 came back: address → times (ms since the epoch). */
    const notified = new Map<string, number[]>();
    const request = async (
      op: Op,
      headers: Record<string, string>,
      method: string,
      path: string,
      body?: unknown,
      raw?: { data: Uint8Array<ArrayBuffer>; type: string; name: string },
    ): Promise<Record<string, unknown> | null> => {
      const t0 = process.hrtime.bigint();
      let status: number;
      let json: Record<string, unknown> | null = null;
      try {
        const res = await fetch(`${bench.url}${path}`, {
          method,
          headers: {
            ...headers,
            ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
            ...(raw ? { "Content-Type": raw.type, "X-File-Name": encodeURIComponent(raw.name) } : {}),
          },
          body: raw ? raw.data : body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        status = res.status;
        const text = await res.text();
        if (res.ok && text) json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        status = -1;
      }
      samples.push({ op, ms: Number(process.hrtime.bigint() - t0) / 1e6, status });
      return status >= 200 && status < 300 ? json : null;
    };
    const recordNotified = (to: string[]) => {
      const at = Date.now();
      for (const address of to) notified.set(address, [...(notified.get(address) ?? []), at]);
    };

    const deadline = Date.now() + seconds * 1000;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      sessions.map(async (headers, me) => {
        const sent: Array<{ id: string; to: string[] }> = [];
        let n = 0;
        const pickRecipients = () => {
          const others = emails.filter((_, i) => i !== me);
          const count = Math.min(others.length, 1 + crypto.randomInt(3));
          const to: string[] = [];
          while (to.length < count) {
            const e = others[crypto.randomInt(others.length)];
            if (!to.includes(e)) to.push(e);
          }
          return to;
        };
        while (Date.now() < deadline) {
          const roll = crypto.randomInt(100);
          const word = words[crypto.randomInt(words.length)];
          if (roll < 40 || sent.length === 0) {
            // Send: one in ten with a 1 MB attachment (draft, upload, send).
            const to = pickRecipients();
            n += 1;
            const message = {
              to: to.map((email) => ({ email })),
              subject: `Ärende ${me}-${n}: ${word}`,
              body: `Hej! Här kommer ${word} i ärendet. Hör av dig om du har frågor.\n\nMed vänlig hälsning\nHandläggare ${me}`,
            };
            let op: Op = "send";
            let draftId: string | null = null;
            if (n % 10 === 0) {
              const draft = await request("draft", headers, "POST", "/api/messages/drafts", {});
              if (!draft) continue;
              draftId = String(draft.id);
              const up = await request(
                "upload-1mb",
                headers,
                "POST",
                `/api/messages/${draftId}/attachments`,
                undefined,
                {
                  data: attachment,
                  type: "application/pdf",
                  name: `${word}-${n}.pdf`,
                },
              );
              if (!up) continue;
              op = "send-attachment";
            }
            const res = await request(op, headers, "POST", "/api/messages", {
              ...message,
              ...(draftId ? { draftId } : {}),
            });
            if (res) {
              recordNotified(to);
              sent.push({ id: String(res.id), to });
              if (sent.length > 20) sent.shift();
            }
          } else if (roll < 60) {
            await request("list-sent", headers, "GET", "/api/mailbox/sent?limit=50");
          } else if (roll < 75) {
            const list = await request("list-sent", headers, "GET", "/api/mailbox/sent?limit=50");
            const items = (list?.items ?? []) as Array<{ id: string }>;
            const id = items.length ? items[crypto.randomInt(Math.min(items.length, 20))].id : sent[0].id;
            await request("open", headers, "GET", `/api/messages/${id}`);
          } else if (roll < 85) {
            const original = sent[crypto.randomInt(sent.length)];
            const to = [original.to[0]];
            const res = await request("reply", headers, "POST", "/api/messages", {
              to: to.map((email) => ({ email })),
              subject: `Sv: ${word}`,
              body: `Tack, jag återkommer om ${word}.`,
              replyTo: original.id,
            });
            if (res) recordNotified(to);
          } else {
            await request("search", headers, "GET", `/api/mailbox/sent?q=${encodeURIComponent(word)}`);
          }
        }
      }),
    );
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;

    // Wait (bounded) for the outbox to deliver what the run queued.
    const expected = [...notified.values()].reduce((a, v) => a + v.length, 0);
    const drainUntil = Date.now() + drainMs;
    while (sink.received < expected && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    await worker.stop();

    // Notification delay: per address, the i-th 201 is paired with the i-th arrival (the outbox
    // delivers roughly in order; pairing sorted lists gives the delay without reading the mail).
    const delays: number[] = [];
    for (const [address, times] of notified) {
      const arrived = [...(sink.arrivals.get(address) ?? [])].sort((a, b) => a - b);
      const sorted = [...times].sort((a, b) => a - b);
      for (let i = 0; i < Math.min(arrived.length, sorted.length); i++)
        delays.push(Math.max(0, arrived[i] - sorted[i]));
    }
    const undelivered = Math.max(0, expected - delays.length);

    const fmt = (ms: number) => (Number.isFinite(ms) ? String(Math.round(ms)) : "-");
    const rows = ops
      .map((op) => {
        const s = samples.filter((x) => x.op === op);
        const ms = s.map((x) => x.ms);
        const errors = s.filter((x) => x.status < 200 || x.status >= 300);
        return {
          op,
          count: s.length,
          perSecond: +(s.length / elapsed).toFixed(1),
          p50Ms: s.length ? Math.round(percentile(ms, 50)) : NaN,
          p95Ms: s.length ? Math.round(percentile(ms, 95)) : NaN,
          p99Ms: s.length ? Math.round(percentile(ms, 99)) : NaN,
          errors: errors.length,
        };
      })
      .filter((r) => r.count > 0);
    const errorsByStatus: Record<string, number> = {};
    for (const s of samples)
      if (s.status < 200 || s.status >= 300) {
        const key = s.status === -1 ? "network" : String(s.status);
        errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
      }
    const errorCount = Object.values(errorsByStatus).reduce((a, b) => a + b, 0);
    const notificationP95 = delays.length ? percentile(delays, 95) : NaN;

    const out = (line = "") => process.stdout.write(line + "\n");
    out(
      `load: ${senders} senders × ${seconds} s from 127.0.0.1, ${bench.dialect}, ${os.cpus().length} cores, node ${process.version}, outbox worker ${workerMode === "inline" ? "in the app's process" : "in its own process (kuvert worker)"}`,
    );
    out(
      `load average before ${loadAverageBefore.join(" ")}, after ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    out(`rate limits lifted to ${liftedTo} (speed, not the limiter, is measured): ${lifted.join(", ")}`);
    out();
    const header = ["operation", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "errors"];
    const table = rows.map((r) => [
      r.op,
      String(r.count),
      r.perSecond.toFixed(1),
      fmt(r.p50Ms),
      fmt(r.p95Ms),
      fmt(r.p99Ms),
      String(r.errors),
    ]);
    const total = samples.length;
    table.push(["all", String(total), (total / elapsed).toFixed(1), "", "", "", String(errorCount)]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    out(line(header));
    for (const row of table) out(line(row));
    out();
    out(`errors by status: ${errorCount ? JSON.stringify(errorsByStatus) : "none"}`);
    out(
      `notifications: ${expected} queued by 201s, ${delays.length} arrived at the SMTP server` +
        `${undelivered ? `, ${undelivered} not within ${drainMs / 1000} s after the run` : ""}; delay p50 ${fmt(
          delays.length ? percentile(delays, 50) : NaN,
        )} ms, p95 ${fmt(notificationP95)} ms, p99 ${fmt(delays.length ? percentile(delays, 99) : NaN)} ms`,
    );
    out();
    const worstP95 = rows.reduce((a, r) => (r.p95Ms > a.p95Ms ? r : a), rows[0]);
    const checks: Array<[string, boolean, string]> = [
      [
        `p95 < ${targets.p95Ms} ms for every operation`,
        rows.every((r) => r.p95Ms < targets.p95Ms),
        `worst: ${worstP95.op} ${worstP95.p95Ms} ms`,
      ],
      [`${targets.errors} errors`, errorCount === targets.errors, `${errorCount}`],
      [
        `notification delay p95 < ${targets.notificationP95Ms / 1000} s, all delivered`,
        undelivered === 0 && notificationP95 < targets.notificationP95Ms,
        `${fmt(notificationP95)} ms, ${undelivered} undelivered`,
      ],
    ];
    out("targets:");
    for (const [name, ok, value] of checks) out(`  ${ok ? "PASS" : "FAIL"}  ${name} (${value})`);
    out(
      JSON.stringify({
        bench: "load",
        dialect: bench.dialect,
        outboxWorker: workerMode,
        senders,
        seconds,
        elapsedSeconds: +elapsed.toFixed(1),
        requestsPerSecond: +(total / elapsed).toFixed(1),
        operations: rows,
        errorsByStatus,
        notifications: { queued: expected, delivered: delays.length, p95Ms: Math.round(notificationP95) },
        targetsMet: checks.every((c) => c[1]),
        liftedRateLimits: lifted,
        loadAverageBefore,
        loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
      }),
    );
  } finally {
    await worker.stop();
    await bench.close();
    await sink.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
