// Shared set-up for benchmarks: a fresh database (temporary SQLite file by default, or a new
// MySQL database when BENCH_MYSQL_URL is set), migrated, with the real app on a local port.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import mysql from "mysql2/promise";
import { loadEnv, setEnv } from "../backend/src/env.js";
import { connect, disconnect } from "../backend/src/db.js";
import { migrateUp } from "../backend/src/migrate.js";
import { createApp } from "../backend/src/app.js";

export interface BenchEnv {
  url: string;
  dialect: string;
  close(): Promise<void>;
}

export async function benchEnv(): Promise<BenchEnv> {
  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-bench-"));
  let databaseUrl = `sqlite:${path.join(varDir, "bench.sqlite")}`;
  let dropMysql: (() => Promise<void>) | null = null;
  if (process.env.BENCH_MYSQL_URL) {
    const name = `kuvert_bench_${crypto.randomBytes(3).toString("hex")}`;
    const server = new URL(process.env.BENCH_MYSQL_URL);
    server.pathname = "/";
    const c = await mysql.createConnection(server.toString());
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    await c.end();
    const u = new URL(process.env.BENCH_MYSQL_URL);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropMysql = async () => {
      const d = await mysql.createConnection(server.toString());
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    };
  }
  setEnv(
    loadEnv({
      NODE_ENV: "test",
      VAR_DIR: varDir,
      DATABASE_URL: databaseUrl,
      MASTER_KEY: crypto.randomBytes(32).toString("base64"),
      WORKER_ENABLED: "false",
      LOG_LEVEL: "silent",
      PUBLIC_URL: "http://kuvert.bench",
    }),
  );
  const sequelize = await connect();
  await migrateUp(sequelize);
  const server = http.createServer(createApp().callback());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dialect: sequelize.getDialect(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await disconnect();
      await dropMysql?.();
      fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
}

/** Percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; returns seconds taken. */
export async function runConcurrent(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await task(i);
      }
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Signs in through the API and returns the cookie and CSRF headers for later requests. */
export async function signIn(url: string, email: string, password: string): Promise<Record<string, string>> {
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
