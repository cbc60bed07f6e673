// Sign-in burst: 20 people sign in at the same moment (POST /api/auth/login through the real
// app over loopback HTTP, each from a fresh client), a few rounds; p50/p95/max latency and
// errors. Runs on SQLite, and on MariaDB/MySQL when BENCH_MYSQL_URL (or TEST_MYSQL_URL) is set.
// Password cost is production's (scrypt N = 2^17) unless PASSWORD_SCRYPT_LOG2_N says otherwise.
// Usage: npm run bench -- signin   (or npx tsx bench/signin.ts [users, default 20] [rounds, default 3])
import os from "node:os";
import { spawnSync } from "node:child_process";
import { benchEnv, percentile } from "./support.js";
import { transaction } from "../backend/src/db.js";
import { env, setEnv } from "../backend/src/env.js";
import { createOrganisation } from "../backend/src/commands/createOrganisation.js";
import { createUser } from "../backend/src/commands/createUser.js";

const users = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 3);
const password = "Bench2026secret";

interface Outcome {
  ms: number;
  status: number;
}

async function signInOnce(url: string, email: string): Promise<Outcome> {
  const t0 = process.hrtime.bigint();
  let status: number;
  try {
    const res = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    status = res.status;
    await res.arrayBuffer();
  } catch {
    status = -1;
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status };
}

async function run(label: string): Promise<Record<string, unknown>> {
  const bench = await benchEnv();
  try {
    // Sign-in limits as an office would set them for a shared address (the per-IP default is 100 / 15 min).
    // PASSWORD_SCRYPT_LOG2_N (below production's 17) separates the database's share from scrypt's CPU.
    const log2N = Number(process.env.PASSWORD_SCRYPT_LOG2_N ?? 17);
    setEnv({ ...env(), RATE_LIMIT_LOGIN_IP_POINTS: 100_000, PASSWORD_SCRYPT_LOG2_N: log2N });
    const emails = await transaction(async (t) => {
      const org = await createOrganisation(t, { name: "Bench" });
      const out: string[] = [];
      for (let i = 0; i < users; i++) {
        const email = `staff${i}@bench.test`;
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
    // One warm-up sign-in (module loading, first connections).
    await signInOnce(bench.url, emails[0]);
    const outcomes: Outcome[] = [];
    const bursts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = process.hrtime.bigint();
      outcomes.push(...(await Promise.all(emails.map((e) => signInOnce(bench.url, e)))));
      bursts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const ms = outcomes.map((o) => o.ms);
    const errors = outcomes.filter((o) => o.status !== 200);
    return {
      bench: "signin",
      database: label,
      dialect: bench.dialect,
      users,
      rounds,
      scryptLog2N: env().PASSWORD_SCRYPT_LOG2_N,
      p50Ms: Math.round(percentile(ms, 50)),
      p95Ms: Math.round(percentile(ms, 95)),
      maxMs: Math.round(Math.max(...ms)),
      burstMs: bursts.map((b) => Math.round(b)),
      errors: errors.length,
      errorStatuses: [...new Set(errors.map((e) => e.status))],
    };
  } finally {
    await bench.close();
  }
}

async function main(): Promise<void> {
  // Each database in its own process (support.ts opens one database per process).
  if (process.env.SIGNIN_BENCH_CHILD) {
    const result = await run(process.env.SIGNIN_BENCH_CHILD);
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  const mysqlUrl = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL;
  const targets: Array<[string, Record<string, string>]> = [["sqlite", { BENCH_MYSQL_URL: "" }]];
  if (mysqlUrl) targets.push(["mysql", { BENCH_MYSQL_URL: mysqlUrl }]);
  let failed = false;
  for (const [label, extra] of targets) {
    const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, ...extra, SIGNIN_BENCH_CHILD: label },
    });
    if (r.status !== 0) failed = true;
  }
  process.stdout.write(
    JSON.stringify({ bench: "signin", cores: os.cpus().length, node: process.version, loadavg: os.loadavg() }) + "\n",
  );
  if (failed) process.exit(1);
}

await main();
