import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { env } from "../../backend/src/env.js";

export const root = path.resolve(import.meta.dirname, "../..");

/** Environment for a child Kuvert process on the test database and master key. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = env();
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: e.LOG_LEVEL,
    DATABASE_URL: e.DATABASE_URL,
    MASTER_KEY: e.MASTER_KEY,
    VAR_DIR: e.VAR_DIR,
    MAIL_FROM: e.MAIL_FROM,
    PASSWORD_SCRYPT_LOG2_N: String(e.PASSWORD_SCRYPT_LOG2_N),
    ...extra,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/kuvert.js <args>` (the operator CLI) as a real child process. */
export function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/kuvert.js"), ...args], {
      env: childEnv(extraEnv),
      cwd: root,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * A loopback port that was free a moment ago, chosen by the kernel. (A random number in a fixed
 * range can be the local port of one of the machine's own outgoing connections: CI once saw
 * EADDRINUSE that way.)
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server (`bin/start.js`) as a child process and waits for /health. The port is
 * free when chosen but another process can take it before the child binds; then it tries a new one.
 */
export async function startServerProcess(
  extraEnv: Record<string, string>,
  startDeadlineMs = 30_000,
): Promise<{ child: ChildProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerProcessOnce(extraEnv, startDeadlineMs, await freePort());
    } catch (err) {
      if (attempt >= 3 || !String(err).includes("EADDRINUSE")) throw err;
    }
  }
}

async function startServerProcessOnce(
  extraEnv: Record<string, string>,
  startDeadlineMs: number,
  port: number,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(root, "bin/start.js")], {
    env: childEnv({ PORT: String(port), HOST: "127.0.0.1", ...extraEnv }),
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startDeadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start: ${stderr}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.tsx?$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes dist/ hold the compiled server of the current sources (tsc -p tsconfig.build.json and
 * dist/package.json, the server part of `npm run build`); compiles only when a source is newer.
 */
export function ensureCompiledServer(): void {
  const main = path.join(root, "dist/backend/src/main.js");
  const sources = Math.max(newestMtime(path.join(root, "backend/src")), newestMtime(path.join(root, "shared")));
  if (fs.existsSync(main) && fs.statSync(main).mtimeMs >= sources) return;
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed: ${tsc.stdout}${tsc.stderr}`);
  const pkg = spawnSync(process.execPath, [path.join(root, "bin/writeDistPackage.js")], {
    cwd: root,
    encoding: "utf8",
  });
  if (pkg.status !== 0) throw new Error(`bin/writeDistPackage.js failed: ${pkg.stderr}`);
  fs.utimesSync(main, new Date(), new Date());
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}
