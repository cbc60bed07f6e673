import { expect } from "chai";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { ensureCompiledServer, startServerProcess, waitForExit } from "../support/processes.js";

/** One request on a fresh connection (a kept-alive one would stay with one worker). */
function get(url: string): Promise<{ status: number; pid: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { Connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, pid: res.headers["x-kuvert-worker-pid"] as string }));
    });
    // A connection the primary accepted for a worker that was killed meanwhile is never answered.
    req.setTimeout(5_000, () => req.destroy(new Error("no answer")));
    req.on("error", reject);
  });
}

/** Asks until `want` distinct worker pids have answered /health (or the deadline passes). */
async function workerPids(url: string, want: number, deadlineMs = 60_000): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + deadlineMs;
  while (seen.size < want && Date.now() < deadline) {
    try {
      const res = await get(`${url}/health`);
      if (res.status === 200 && res.pid) seen.add(res.pid);
    } catch {
      // a worker being replaced; ask again
    }
  }
  return seen;
}

/** The worker's environment as the kernel shows it (Linux): which one runs the outbox and jobs. */
function environ(pid: string): Record<string, string> {
  const raw = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}

function runsJobs(pid: string): boolean {
  return environ(pid).WORKER_ENABLED !== "false";
}

describe("production: the compiled server on every core (node:cluster)", function () {
  this.timeout(600_000);
  let child: ChildProcess | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-cluster-"));

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await waitForExit(child);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers from WEB_CONCURRENCY=2 worker processes, runs the jobs in one, and replaces a killed worker", async () => {
    ensureCompiledServer();
    // Production configuration, on a database of its own (the cluster's jobs must not touch the suite's).
    const server = await startServerProcess(
      {
        NODE_ENV: "production",
        WEB_CONCURRENCY: "2",
        WORKER_PID_HEADER: "true",
        DATABASE_URL: `sqlite:${path.join(dir, "kuvert.sqlite")}`,
        VAR_DIR: dir,
        BLOB_STORE: `file:${path.join(dir, "blobs")}`,
        MASTER_KEY: crypto.randomBytes(32).toString("base64"),
        SMTP_URL: "smtp://127.0.0.1:9",
        PUBLIC_URL: "https://kuvert.test",
        TRUST_PROXY: "true",
        SMS_PROVIDER: "http",
        SMS_HTTP_URL: "http://127.0.0.1:9/sms",
        SMS_HTTP_TOKEN: "test-token",
        PASSWORD_SCRYPT_LOG2_N: "17",
      },
      240_000,
    );
    child = server.child;
    const primary = String(child.pid);

    const first = await workerPids(server.url, 2);
    expect(first.size, "distinct worker pids answering").to.equal(2);
    expect([...first]).not.to.include(primary);
    const leads = [...first].filter(runsJobs);
    expect(leads, "workers running the outbox and jobs").to.have.length(1);

    // kill -9 the worker that runs the jobs: the primary starts another, which takes the role over.
    const [lead] = leads;
    process.kill(Number(lead), "SIGKILL");
    const deadline = Date.now() + 120_000;
    let now = new Set<string>();
    while (Date.now() < deadline) {
      now = await workerPids(server.url, 2, 30_000);
      if (now.size === 2 && !now.has(lead)) break;
    }
    expect(now.has(lead), "the killed worker no longer answers").to.equal(false);
    expect(now.size, "two workers answer again").to.equal(2);
    expect([...now].filter(runsJobs), "the new worker took the jobs over").to.have.length(1);

    // SIGTERM to the primary stops the workers gracefully and exits 0.
    child.kill("SIGTERM");
    expect(await waitForExit(child)).to.equal(0);
    for (const pid of now) expect(fs.existsSync(`/proc/${pid}`), `worker ${pid} gone`).to.equal(false);
  });
});
