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
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
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
  // BENCH_LISTEN_HOST: the shaped-link rounds listen on the namespace's end of the veth pair.
  const host = process.env.BENCH_LISTEN_HOST ?? "127.0.0.1";
  await new Promise<void>((r) => server.listen(0, host, r));
  const info: ServerInfo = {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
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

/** Server processes still running; killed when this process exits, however it exits. */
const servers = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of servers) child.kill("SIGKILL");
});

/** `prefix`: a command the server runs under (`ip netns exec <ns>` for the shaped link). */
function startServer(
  extraEnv: Record<string, string> = {},
  prefix: string[] = [],
): Promise<{ child: ChildProcess; info: ServerInfo }> {
  // BENCH_SERVER_NODE_OPTIONS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server alone.
  const nodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [];
  const argv = [process.execPath, ...nodeOptions, "--import", "tsx", import.meta.filename, "--serve"];
  const command = [...prefix, ...argv];
  const child = spawn(command[0], command.slice(1), {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...extraEnv },
  });
  servers.add(child);
  child.once("exit", () => servers.delete(child));
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
async function runRounds(
  size: number,
  rounds: number,
  extraEnv: Record<string, string> = {},
  prefix: string[] = [],
): Promise<Row[]> {
  const { child, info } = await startServer(extraEnv, prefix);
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
    await stopServer(child);
  }
  return rows;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the server process is gone. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await gone;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- shaped link (1 Gbit/s)

const LINK_RATE = "1gbit";
const LINK_LABEL = "1 Gbit/s";

/**
 * A network namespace joined to this one by a veth pair, both directions shaped to LINK_RATE
 * with a token bucket (tc tbf), so that the server in the namespace and the client here talk
 * over something like a real 1 Gbit/s link instead of loopback and the page cache. Needs root
 * and iproute2 (`ip`, `tc`; `shapedLinkUnavailable` says which is missing). Every command has a
 * timeout; `close()` removes the namespace and the pair (also on failure, and at exit).
 */
interface ShapedLink {
  namespace: string;
  serverAddress: string;
  close(): void;
}

function sh(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", timeout: 10_000 });
  return { ok: r.status === 0, err: (r.error?.message ?? r.stderr ?? "").trim() };
}

function shapedLinkUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "not running as root (a network namespace and tc need root)";
  for (const tool of ["ip", "tc"]) {
    const r = spawnSync(tool, ["-V"], { encoding: "utf8", timeout: 5_000 });
    if (r.error || r.status !== 0) return `\`${tool}\` not found (install iproute2)`;
  }
  return null;
}

function createShapedLink(): ShapedLink {
  const tag = (process.pid % 100_000).toString(36);
  const namespace = `kuvert-bench-${tag}`;
  const host = `kvb${tag}a`; // this side
  const peer = `kvb${tag}b`; // the namespace's side
  const octet = 1 + (process.pid % 250);
  const tbf = ["root", "tbf", "rate", LINK_RATE, "burst", "256kb", "latency", "20ms"];
  const hostAddress = `10.231.${octet}.1`;
  const serverAddress = `10.231.${octet}.2`;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // Deleting the namespace destroys its end of the pair, and with it this end; the second
    // command covers a pair whose peer never made it into the namespace.
    sh(["ip", "netns", "del", namespace]);
    sh(["ip", "link", "del", host]);
    process.off("exit", close);
  };
  process.on("exit", close);
  const steps: string[][] = [
    ["ip", "netns", "add", namespace],
    ["ip", "link", "add", host, "type", "veth", "peer", "name", peer],
    ["ip", "link", "set", peer, "netns", namespace],
    ["ip", "addr", "add", `${hostAddress}/30`, "dev", host],
    ["ip", "link", "set", host, "up"],
    ["ip", "-n", namespace, "addr", "add", `${serverAddress}/30`, "dev", peer],
    ["ip", "-n", namespace, "link", "set", peer, "up"],
    ["ip", "-n", namespace, "link", "set", "lo", "up"],
    // Uploads leave through this end, downloads through the namespace's end.
    ["tc", "qdisc", "add", "dev", host, ...tbf],
    ["tc", "-n", namespace, "qdisc", "add", "dev", peer, ...tbf],
  ];
  for (const step of steps) {
    const r = sh(step);
    if (!r.ok) {
      close();
      throw new Error(`shaped link: \`${step.join(" ")}\` failed: ${r.err}`);
    }
  }
  return { namespace, serverAddress, close };
}

/** Rounds over the shaped link, or null (with a printed reason) where it cannot be made. */
async function runShapedRounds(size: number, rounds: number): Promise<Row[] | null> {
  if (process.env.BENCH_ATTACHMENTS_SHAPED === "off") return null;
  const why = shapedLinkUnavailable();
  if (why) {
    process.stdout.write(`# attachments over a 1 Gbit/s link: skipped, ${why}\n`);
    return null;
  }
  let link: ShapedLink;
  try {
    link = createShapedLink();
  } catch (err) {
    // E.g. a container that may not make network namespaces: said, not fatal.
    process.stdout.write(`# attachments over a 1 Gbit/s link: skipped, ${(err as Error).message}\n`);
    return null;
  }
  const onSignal = () => {
    link.close();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // Bounded: 500 MB takes about 4.5 s each way at 1 Gbit/s; a run far beyond that is stuck.
  const limitMs = 60_000 + Math.ceil((size / 100e6) * 1000) * 4 * (rounds + 1);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      runRounds(size, rounds, { BENCH_LISTEN_HOST: link.serverAddress }, ["ip", "netns", "exec", link.namespace]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`shaped link: no result within ${limitMs} ms`)), limitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    // A server still running here is one the time limit gave up on; it must leave the namespace first.
    for (const child of servers) await stopServer(child);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    link.close();
  }
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
  const withS3 = process.env.BENCH_ATTACHMENTS_S3 !== "off";
  const s3 = withS3 ? await startS3rver() : null;
  let s3Rows: Row[] = [];
  if (s3) {
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
  }
  const shapedRows = await runShapedRounds(size, rounds);
  const loadAfter = os.loadavg();
  const common = {
    megabytes,
    rounds,
    loadavg: { before: loadBefore.map((l) => +l.toFixed(2)), after: loadAfter.map((l) => +l.toFixed(2)) },
    cpus: os.cpus().length,
    node: process.version,
  };
  const result = { bench: "attachments", ...common, ...summarise(fileRows, megabytes) };
  const s3Result = s3 ? { bench: "attachments-s3", ...common, ...summarise(s3Rows, megabytes) } : null;
  const shapedResult = shapedRows
    ? { bench: "attachments-shaped", link: LINK_RATE, ...common, ...summarise(shapedRows, megabytes) }
    : null;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (s3Result) process.stdout.write(`${JSON.stringify(s3Result)}\n`);
  if (shapedResult) process.stdout.write(`${JSON.stringify(shapedResult)}\n`);
  if (!process.env.BENCH_NO_DOCS) {
    writeDocs(result);
    if (s3Result) writeDocs(s3Result, "s3");
    if (shapedResult) writeDocs(shapedResult, "shaped");
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
  store: "file" | "s3" | "shaped" = "file",
): void {
  const file = path.join(import.meta.dirname, "..", "docs", "benchmarks.md");
  const tag = store === "file" ? "attachments" : `attachments-${store}`;
  const start = `<!-- bench:${tag}:start -->`;
  const end = `<!-- bench:${tag}:end -->`;
  const title = {
    file: "## Attachments (bench/attachments.ts)",
    s3: "## Attachments on S3-compatible storage (bench/attachments.ts)",
    shaped: "## Attachments over a 1 Gbit/s link (bench/attachments.ts)",
  }[store];
  const baseline =
    store === "shaped"
      ? `The same rounds as the filesystem section, with the server in a network namespace of its own that the benchmark makes, reached over a veth pair shaped to ${LINK_LABEL} in each direction (tc tbf), instead of loopback; ` +
        "the baseline is the plain streaming upload/download through the same server, blob store and link, in the same run."
      : store === "s3"
        ? "The baseline is a plain streaming upload/download of the same bytes through the same server into the same S3 endpoint " +
          "(s3rver on loopback, started by the benchmark; the store's multipart upload with the default 5 MiB parts, one in flight; GetObject download), " +
          "without encryption, in the same run as the filesystem rounds above."
        : "The baseline is a plain streaming upload/download of the same bytes " +
          "through the same server and the same filesystem blob store (temp file, fsync, rename), without encryption, in the same run.";
  const f = (n: number, d = 0) => n.toFixed(d);
  const section = [
    start,
    title,
    "",
    `${r.megabytes} MB file, ${r.rounds} rounds (medians; the ratio is the median of per-round ratios), run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${r.cpus} cores, Node ${r.node}, SQLite. ` +
      (store === "shaped"
        ? "The server runs in its own process; the client streams over HTTP across the shaped link. "
        : "The server runs in its own process; the client streams over loopback HTTP. ") +
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
  const after = store === "s3" ? "<!-- bench:attachments:end -->" : "<!-- bench:attachments-s3:end -->";
  if (i >= 0 && j > i) doc = doc.slice(0, i) + section + doc.slice(j + end.length);
  else if (store !== "file" && doc.includes(after)) {
    // The S3 section goes right after the filesystem one, the shaped-link one after that.
    const k = doc.indexOf(after) + after.length;
    doc = `${doc.slice(0, k)}\n\n${section}${doc.slice(k)}`;
  } else doc = `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}

if (process.argv.includes("--serve")) await serve();
else await drive();
