// `npm run bench`: runs each benchmark in its own process, one after another (they measure
// time and memory, so they must not share a process or overlap). Each prints JSON lines with
// its result and the ratio to the baseline it measured in the same run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["index.ts", "support.ts"].includes(f))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n# ${file}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", path.join(dir, file)], {
    stdio: "inherit",
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", NODE_ENV: "test" },
  });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
