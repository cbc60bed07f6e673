#!/usr/bin/env node
// `npm test`: every suite on SQLite, then the database-backed suites (test/backend) again on
// MySQL/MariaDB when TEST_MYSQL_URL is set. Exits non-zero if any run fails. First makes sure the
// system programs the tests need are there (test/systemDeps.js): installs them with apt-get when
// running as root, or stops at once with one line naming the command to run.
import { spawn } from "node:child_process";
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

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Each run's label, exit status and mocha's closing lines (from the last "N passing" on). */
const results = [];

// Streams mocha's output through as it comes and keeps its end, so the summary below can repeat
// the failures last: a CI log that shows only its tail then still names what failed.
function run(label, env) {
  process.stdout.write(`\n=== ${label} ===\n`);
  const child = spawn(process.execPath, [...mocha, ...extra], {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let tail = "";
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString("utf8").replace(ANSI_COLOUR, "")).slice(-400_000);
  });
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const totals = [...tail.matchAll(/^\s*\d+ passing/gm)].pop();
      results.push({ label, status: code ?? 1, signal, tail: totals ? tail.slice(totals.index) : "" });
      resolve(code ?? 1);
    });
  });
}

let status = await run("SQLite", { TEST_DB: "sqlite" });
if (process.env.TEST_MYSQL_URL) {
  status =
    (await run("MySQL", { TEST_DB: "mysql", TEST_SPEC: process.env.TEST_SPEC ?? "test/backend/**/*.test.ts" })) ||
    status;
} else {
  process.stdout.write("\n(TEST_MYSQL_URL not set: MySQL suite skipped)\n");
}

process.stdout.write("\n=== Summary ===\n");
for (const r of results) {
  const counts = r.tail.split("\n").filter((line) => /^\s*\d+ (passing|failing|pending)/.test(line));
  const outcome = r.status === 0 ? "passed" : `FAILED (exit ${r.status}${r.signal ? `, ${r.signal}` : ""})`;
  process.stdout.write(`${r.label}: ${outcome}; ${counts.map((line) => line.trim()).join(", ") || "no totals"}\n`);
}
for (const r of results.filter((x) => x.status !== 0)) {
  const at = r.tail.search(/^\s*\d+ failing/m);
  if (at >= 0) process.stdout.write(`\n--- ${r.label}: the failures again ---\n${r.tail.slice(at)}\n`);
}
process.exit(status);
