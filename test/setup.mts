// Root hooks: one fresh database per mocha run (a temporary SQLite file, or a new MySQL
// database on TEST_MYSQL_URL when TEST_DB=mysql), migrated once; dropped at the end. Every
// test runs on the real clock unless it steps it (test/support/clock.ts), and fails when it
// connects anywhere but loopback (test/support/networkGuard.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { loadEnv, setEnv } from "../backend/src/env.js";
import { connect, disconnect } from "../backend/src/db.js";
import { migrateUp } from "../backend/src/migrate.js";
import { testDatabase } from "./support/database.js";
import { stopTestServer } from "./support/server.js";
import { restoreClock } from "./support/clock.js";
import { allowHost, installNetworkGuard, takeViolations } from "./support/networkGuard.js";
import { RateLimitBucket } from "../backend/src/models/RateLimitBucket.js";

installNetworkGuard();
if (process.env.TEST_DB === "mysql" && process.env.TEST_MYSQL_URL)
  allowHost(new URL(process.env.TEST_MYSQL_URL).hostname);

const varDir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-test-"));
const database = await testDatabase();

setEnv(
  loadEnv({
    NODE_ENV: "test",
    VAR_DIR: varDir,
    DATABASE_URL: database.url,
    MASTER_KEY: crypto.randomBytes(32).toString("base64"),
    WORKER_ENABLED: "false",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    PUBLIC_URL: "http://kuvert.test",
    MAIL_FROM: "Kuvert <no-reply@kuvert.test>",
    INBOUND_TOKEN: "test-inbound-token-0123456789",
    // Every suite signs in from 127.0.0.1; the auth tests lower these limits where they test them.
    RATE_LIMIT_LOGIN_IP_POINTS: "100000",
    RATE_LIMIT_LOGIN_ACCOUNT_POINTS: "1000",
    // Likewise the per-IP limits on anonymous code sending and checking (test/backend/account/limits.test.ts lowers them).
    RATE_LIMIT_SMS_SEND_IP_POINTS: "100000",
    RATE_LIMIT_CODE_CHECK_IP_POINTS: "100000",
    // Password scrypt at 2^12 instead of production's 2^17: a hash costs about 0.02 CPU-seconds
    // instead of 0.3, and the suite creates and signs in users by the thousand (two hashes each).
    // The configuration test proves the production default; the upgrade test sets its own cost.
    PASSWORD_SCRYPT_LOG2_N: "12",
  }),
);

/** The tests of `file` in run order, across every top-level suite that file defines. */
function testsOfFile(root: Mocha.Suite, file: string): Mocha.Test[] {
  const all: Mocha.Test[] = [];
  const walk = (suite: Mocha.Suite) => {
    all.push(...suite.tests.filter((t) => t.file === file && !t.isPending()));
    suite.suites.forEach(walk);
  };
  walk(root);
  return all;
}

/**
 * Every suite signs in and sends from 127.0.0.1, so per-IP counts would carry from one file into
 * the next and refuse it depending on the order files run in. After a file's last test its counts
 * are cleared; within a file, rate-limit tests see exactly what they ran up.
 */
async function clearRateLimitsAfterLastTestOfFile(test: Mocha.Test | undefined): Promise<void> {
  if (!test?.file) return;
  let root: Mocha.Suite | undefined = test.parent;
  while (root?.parent) root = root.parent;
  if (!root) return;
  const tests = testsOfFile(root, test.file);
  if (tests[tests.length - 1] === test) await RateLimitBucket.destroy({ where: {} });
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await migrateUp(await connect());
  },
  async afterEach(this: Mocha.Context) {
    await clearRateLimitsAfterLastTestOfFile(this.currentTest);
    restoreClock();
    const refused = takeViolations();
    if (refused.length) throw new Error(`network connection off loopback refused: ${[...new Set(refused)].join(", ")}`);
  },
  async afterAll() {
    await stopTestServer();
    await disconnect();
    await database.drop();
    fs.rmSync(varDir, { recursive: true, force: true });
  },
};
