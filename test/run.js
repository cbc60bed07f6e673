#!/usr/bin/env node
// `npm test`: every suite on SQLite, then the database-backed suites (test/backend) again on
// MySQL/MariaDB when TEST_MYSQL_URL is set. Exits non-zero if any run fails. First makes sure the
// system programs the tests need are there (test/systemDeps.js): installs them with apt-get when
// running as root, or stops at once with one line naming the command to run.
import { spawnSync } from "node:child_process";
import { ensureSystemPrograms, needsSystemPrograms, systemProbe } from "./systemDeps.js";

if (needsSystemPrograms(process.env.TEST_SPEC)) {
  const problem = ensureSystemPrograms(systemProbe());
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}

const mocha = ["node_modules/mocha/bin/mocha.js"];
const extra = process.argv.slice(2);

function run(label, env) {
  process.stdout.write(`\n=== ${label} ===\n`);
  const r = spawnSync(process.execPath, [...mocha, ...extra], { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
}

let status = run("SQLite", { TEST_DB: "sqlite" });
if (process.env.TEST_MYSQL_URL) {
  status =
    run("MySQL", { TEST_DB: "mysql", TEST_SPEC: process.env.TEST_SPEC ?? "test/backend/**/*.test.ts" }) || status;
} else {
  process.stdout.write("\n(TEST_MYSQL_URL not set: MySQL suite skipped)\n");
}
process.exit(status);
