import { spawn, type ChildProcess } from "node:child_process";
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
    LOG_LEVEL: "silent",
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

/** Starts the real server (`bin/start.js`) as a child process and waits for /health. */
export async function startServerProcess(
  extraEnv: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(root, "bin/start.js")], {
    env: childEnv({ PORT: String(port), HOST: "127.0.0.1", ...extraEnv }),
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
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

export function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}
