// Attachment benchmark: upload+encrypt+store and download+decrypt of a 500 MB file through the
// real server, as a ratio to a plain (unencrypted) streaming upload/download through the same
// server and blob store in the same run, plus the server's peak RSS growth.
//
// The server runs in a child process (so its RSS is measured alone, sampled from /proc); the
// plain baseline endpoints exist only in this benchmark's server, not in the product. The same
// rounds run twice in one run: on the filesystem blob store, then on S3-compatible storage (an
// s3rver on loopback, started here, through the real AWS SDK) with a second server whose region
// "se" is stored there (BLOB_STORE_SE), encrypted and plain against the same endpoint.
// Usage: npx tsx bench/attachments.ts [megabytes, default 500] [rounds, default 3]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import crypto from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";

const MB = 1024 * 1024;

interface ServerInfo {
  url: string;
  email: string;
  password: string;
  pid: number;
}

// ---------------------------------------------------------------- server (child process)

async function serve(): Promise<void> {
  const { loadEnv, setEnv } = await import("../backend/src/env.js");
  const { connect, transaction } = await import("../backend/src/db.js");
  const { migrateUp } = await import("../backend/src/migrate.js");
  const { createApp } = await import("../backend/src/app.js");
  const { createOrganisation } = await import("../backend/src/commands/createOrganisation.js");
  const { createUser } = await import("../backend/src/commands/createUser.js");
  const { blobStore } = await import("../backend/src/services/blobs/index.js");

  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-bench-att-"));
  setEnv(
    loadEnv({
      NODE_ENV: "test",
      VAR_DIR: varDir,
      DATABASE_URL: process.env.BENCH_MYSQL_URL ?? `sqlite:${path.join(varDir, "bench.sqlite")}`,
      MASTER_KEY: crypto.randomBytes(32).toString("base64"),
      WORKER_ENABLED: "false",
      LOG_LEVEL: "silent",
      PUBLIC_URL: "http://kuvert.bench",
      ...(process.env.BENCH_BLOB_STORE_SE ? { BLOB_STORE_SE: process.env.BENCH_BLOB_STORE_SE } : {}),
    }),
  );
  await migrateUp(await connect());
  const password = "Bench2026secret";
  const email = `bench-${crypto.randomBytes(3).toString("hex")}@bench.test`;
  await transaction(async (t) => {
    const org = await createOrganisation(t, { name: `Bench ${crypto.randomBytes(3).toString("hex")}` });
    await createUser(t, { organisation: org, email, mobile: "+46700000001", password, role: "staff" });
  });

  const app = createApp().callback();
  const store = blobStore();
  // Baseline: the same streaming path into the same blob store, without any crypto.
  const plain = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const key = req.url!.slice("/bench/plain/".length);
    if (req.method === "POST") {
      const stored = await store.put("se", req);
      res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify(stored));
    } else if (req.method === "GET") {
      const size = await store.size(key);
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(size) });
      await pipeline(await store.get(key), res);
    } else {
      await store.overwriteAndDelete(key);
      res.writeHead(204).end();
    }
  };
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/bench/plain/")) {
      plain(req, res).catch((err: Error) => {
        res.destroy(err);
      });
      return;
    }
    void app(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const info: ServerInfo = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    email,
    password,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close();
    fs.rmSync(varDir, { recursive: true, force: true });
    process.exit(0);
  });
}

// ---------------------------------------------------------------- driver (parent process)

function startServer(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; info: ServerInfo }> {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...extraEnv },
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve({ child, info: JSON.parse(buf.slice(0, nl)) as ServerInfo });
    });
    child.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples the server's RSS while `fn` runs; returns seconds and peak growth over the start. */
async function measure(pid: number, fn: () => Promise<void>): Promise<{ seconds: number; rssGrowth: number }> {
  const base = rssOf(pid);
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 20);
  const t0 = process.hrtime.bigint();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  peak = Math.max(peak, rssOf(pid));
  return { seconds, rssGrowth: peak - base };
}

/** `size` bytes from one random 1 MiB block, repeated (cheap for the client, same work for the server). */
function source(size: number): Readable {
  const block = crypto.randomBytes(MB);
  let left = size;
  return new Readable({
    highWaterMark: MB,
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(block.subarray(0, n));
    },
  });
}

function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Readable,
): Promise<{ status: number; text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false });
    req.on("response", (res) => {
      let bytes = 0;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => {
        bytes += c.length;
        if (parts.length < 4) parts.push(c);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString("utf8").slice(0, 2000), bytes }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

async function signIn(url: string, email: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  const csrf = cookies.find((c) => c.startsWith("kuvert_csrf="))?.split("=")[1] ?? "";
  return { Cookie: cookies.join("; "), "X-CSRF-Token": csrf };
}

function expectStatus(what: string, got: { status: number; text: string }, want: number): void {
  if (got.status !== want) throw new Error(`${what}: ${got.status} ${got.text}`);
}

interface Row {
  kind: "plain" | "encrypted";
  direction: "upload" | "download";
  seconds: number;
  rssGrowth: number;
}

/** `rounds` × (plain upload, encrypted upload, plain download, encrypted download) on one server. */
async function runRounds(size: number, rounds: number, extraEnv: Record<string, string> = {}): Promise<Row[]> {
  const { child, info } = await startServer(extraEnv);
  const rows: Row[] = [];
  try {
    const auth = await signIn(info.url, info.email, info.password);
    const draft = await fetch(`${info.url}/api/messages/drafts`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: "{}",
    });
    const draftId = ((await draft.json()) as { id: string }).id;

    // Warm-up (code paths, JIT) with 16 MB each way.
    const warm = await request(
      `${info.url}/api/messages/${draftId}/attachments`,
      "POST",
      { ...auth, "Content-Type": "application/octet-stream", "X-File-Name": "warm.bin" },
      source(16 * MB),
    );
    expectStatus("warm-up upload", warm, 201);
    const warmId = (JSON.parse(warm.text) as { id: string }).id;
    await request(`${info.url}/api/messages/${draftId}/attachments/${warmId}`, "GET", auth);
    const warmPlain = JSON.parse((await request(`${info.url}/bench/plain/`, "POST", {}, source(16 * MB))).text) as {
      key: string;
    };
    await request(`${info.url}/bench/plain/${warmPlain.key}`, "GET", {});
    await request(`${info.url}/bench/plain/${warmPlain.key}`, "DELETE", {});

    for (let round = 0; round < rounds; round++) {
      let plainKey = "";
      let attachmentId = "";
      const up1 = await measure(info.pid, async () => {
        const r = await request(
          `${info.url}/bench/plain/`,
          "POST",
          { "Content-Type": "application/octet-stream" },
          source(size),
        );
        expectStatus("plain upload", r, 201);
        plainKey = (JSON.parse(r.text) as { key: string }).key;
      });
      rows.push({ kind: "plain", direction: "upload", ...up1 });
      const up2 = await measure(info.pid, async () => {
        const r = await request(
          `${info.url}/api/messages/${draftId}/attachments`,
          "POST",
          { ...auth, "Content-Type": "application/pdf", "X-File-Name": "akt.pdf" },
          source(size),
        );
        expectStatus("encrypted upload", r, 201);
        attachmentId = (JSON.parse(r.text) as { id: string }).id;
      });
      rows.push({ kind: "encrypted", direction: "upload", ...up2 });
      const down1 = await measure(info.pid, async () => {
        const r = await request(`${info.url}/bench/plain/${plainKey}`, "GET", {});
        if (r.bytes !== size) throw new Error(`plain download: ${r.bytes} bytes`);
      });
      rows.push({ kind: "plain", direction: "download", ...down1 });
      const down2 = await measure(info.pid, async () => {
        const r = await request(`${info.url}/api/messages/${draftId}/attachments/${attachmentId}`, "GET", auth);
        if (r.status !== 200 || r.bytes !== size) throw new Error(`encrypted download: ${r.status}, ${r.bytes} bytes`);
      });
      rows.push({ kind: "encrypted", direction: "download", ...down2 });
      await request(`${info.url}/bench/plain/${plainKey}`, "DELETE", {});
      await request(`${info.url}/api/messages/${draftId}/attachments/${attachmentId}`, "DELETE", auth);
    }
  } finally {
    child.kill("SIGTERM");
  }
  return rows;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** An S3 protocol server (s3rver, filesystem-backed) on loopback for the S3 rounds. */
async function startS3rver(): Promise<{ config: string; stop(): Promise<void> }> {
  const S3rver = createRequire(import.meta.url)("s3rver") as new (o: Record<string, unknown>) => S3rverInstance;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-bench-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: "kuvert-bench" }],
  });
  const { port } = await server.run();
  return {
    config: `s3://kuvert-bench?endpoint=http://127.0.0.1:${port}&region=eu-north-1&forcePathStyle=true`,
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

// Each round runs plain and encrypted back to back; the ratio is the median of the per-round
// ratios, which is less sensitive to other load on the machine than best-of across rounds.
function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

function summarise(rows: Row[], megabytes: number) {
  const times = (kind: Row["kind"], direction: Row["direction"]) =>
    rows.filter((r) => r.kind === kind && r.direction === direction).map((r) => r.seconds);
  const summary = (direction: Row["direction"]) => {
    const plain = times("plain", direction);
    const enc = times("encrypted", direction);
    return {
      plainMBps: megabytes / median(plain),
      encryptedMBps: megabytes / median(enc),
      ratio: median(plain.map((p, i) => p / enc[i])),
    };
  };
  const peak = (kind: Row["kind"]) => Math.max(...rows.filter((r) => r.kind === kind).map((r) => r.rssGrowth));
  return {
    upload: summary("upload"),
    download: summary("download"),
    peakRssGrowthMB: { encrypted: peak("encrypted") / MB, plain: peak("plain") / MB },
    runs: rows.map((r) => ({ ...r, seconds: +r.seconds.toFixed(2), rssGrowthMB: +(r.rssGrowth / MB).toFixed(1) })),
  };
}

async function drive(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 500);
  const rounds = Number(process.argv[3] ?? 3);
  const size = megabytes * MB;
  const loadBefore = os.loadavg();
  const fileRows = await runRounds(size, rounds);
  const s3 = await startS3rver();
  let s3Rows: Row[];
  try {
    s3Rows = await runRounds(size, rounds, {
      BENCH_BLOB_STORE_SE: s3.config,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
  } finally {
    await s3.stop();
  }
  const loadAfter = os.loadavg();
  const common = {
    megabytes,
    rounds,
    loadavg: { before: loadBefore.map((l) => +l.toFixed(2)), after: loadAfter.map((l) => +l.toFixed(2)) },
    cpus: os.cpus().length,
    node: process.version,
  };
  const result = { bench: "attachments", ...common, ...summarise(fileRows, megabytes) };
  const s3Result = { bench: "attachments-s3", ...common, ...summarise(s3Rows, megabytes) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(`${JSON.stringify(s3Result)}\n`);
  if (!process.env.BENCH_NO_DOCS) {
    writeDocs(result);
    writeDocs(s3Result, "s3");
  }
}

function writeDocs(
  r: {
    megabytes: number;
    rounds: number;
    upload: { plainMBps: number; encryptedMBps: number; ratio: number };
    download: { plainMBps: number; encryptedMBps: number; ratio: number };
    peakRssGrowthMB: { encrypted: number; plain: number };
    loadavg: { before: number[]; after: number[] };
    cpus: number;
    node: string;
    runs: Array<{ kind: string; direction: string; seconds: number; rssGrowthMB: number }>;
  },
  store: "file" | "s3" = "file",
): void {
  const file = path.join(import.meta.dirname, "..", "docs", "benchmarks.md");
  const tag = store === "s3" ? "attachments-s3" : "attachments";
  const start = `<!-- bench:${tag}:start -->`;
  const end = `<!-- bench:${tag}:end -->`;
  const title =
    store === "s3"
      ? "## Attachments on S3-compatible storage (bench/attachments.ts)"
      : "## Attachments (bench/attachments.ts)";
  const baseline =
    store === "s3"
      ? "The baseline is a plain streaming upload/download of the same bytes through the same server into the same S3 endpoint " +
        "(s3rver on loopback, started by the benchmark; lib-storage multipart upload with the default 5 MiB parts, one in flight; GetObject download), " +
        "without encryption, in the same run as the filesystem rounds above."
      : "The baseline is a plain streaming upload/download of the same bytes " +
        "through the same server and the same filesystem blob store (temp file, fsync, rename), without encryption, in the same run.";
  const f = (n: number, d = 0) => n.toFixed(d);
  const section = [
    start,
    title,
    "",
    `${r.megabytes} MB file, ${r.rounds} rounds (medians; the ratio is the median of per-round ratios), run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${r.cpus} cores, Node ${r.node}, SQLite. ` +
      "The server runs in its own process; the client streams over loopback HTTP. " +
      baseline,
    "",
    "| | plain (baseline) | encrypted (Kuvert) | ratio (target ≥ 0.8) |",
    "|---|---|---|---|",
    `| upload + encrypt + store | ${f(r.upload.plainMBps)} MB/s | ${f(r.upload.encryptedMBps)} MB/s | ${f(r.upload.ratio, 2)} |`,
    `| download + decrypt | ${f(r.download.plainMBps)} MB/s | ${f(r.download.encryptedMBps)} MB/s | ${f(r.download.ratio, 2)} |`,
    "",
    `Peak RSS growth of the server during a ${r.megabytes} MB transfer: ${f(r.peakRssGrowthMB.encrypted, 1)} MB encrypted ` +
      `(${f(r.peakRssGrowthMB.plain, 1)} MB plain; target ≤ 64 MB).`,
    "",
    `Runs (seconds, server RSS growth): ${r.runs.map((x) => `${x.kind} ${x.direction} ${x.seconds} s/${x.rssGrowthMB} MB`).join("; ")}.`,
    "",
    `Load average before/after the run: ${r.loadavg.before.join(", ")} / ${r.loadavg.after.join(", ")} — other work shared the CPUs, ` +
      "so absolute MB/s are lower bounds; both sides of each ratio ran back to back under the same conditions.",
    end,
  ].join("\n");
  let doc = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : "# Benchmarks\n\nResults of `npm run bench` (one section per benchmark).\n";
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  const fileEnd = "<!-- bench:attachments:end -->";
  if (i >= 0 && j > i) doc = doc.slice(0, i) + section + doc.slice(j + end.length);
  else if (store === "s3" && doc.includes(fileEnd)) {
    // The S3 section goes right after the filesystem one.
    const k = doc.indexOf(fileEnd) + fileEnd.length;
    doc = `${doc.slice(0, k)}\n\n${section}${doc.slice(k)}`;
  } else doc = `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}

if (process.argv.includes("--serve")) await serve();
else await drive();
