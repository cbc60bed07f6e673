#!/usr/bin/env node
// `npm run test:under-load`: the README's test command (test/run.js, what `npm test` runs) several
// times in a row (UNDER_LOAD_RUNS, default 3) while a CPU burner keeps every core busy: one
// spinning process per core at the tests' own priority. The burner is bounded: it stops when the
// runs end, and each burner process ends by itself after UNDER_LOAD_MAX_MINUTES (default 180)
// should this process die without stopping it. Stops at the first failing run. Issue 14: the suite
// must hold when the machine is busy, not only when it is quiet.
import { spawn } from "node:child_process";
import os from "node:os";

const runs = Number(process.env.UNDER_LOAD_RUNS ?? 3);
const maxMinutes = Number(process.env.UNDER_LOAD_MAX_MINUTES ?? 180);
const cores = os.availableParallelism();

const spin = `const end = Date.now() + ${maxMinutes * 60_000}; let x = 0; while (Date.now() < end) x = (x * 31 + 7) % 1000003;`;
const burners = Array.from({ length: cores }, () => spawn(process.execPath, ["-e", spin], { stdio: "ignore" }));
const stopBurners = () => burners.forEach((b) => b.exitCode === null && b.kill("SIGKILL"));
process.on("exit", stopBurners);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const loads = [];
const sampler = setInterval(() => loads.push(os.loadavg()[0]), 30_000);

function testRun() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["test/run.js", ...process.argv.slice(2)], { stdio: "inherit" });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const results = [];
let status = 0;
for (let i = 1; i <= runs && status === 0; i++) {
  process.stdout.write(`\n##### run ${i} of ${runs} beside a CPU burner (${cores} spinning processes) #####\n`);
  const t0 = Date.now();
  status = await testRun();
  results.push(
    `run ${i}: ${status === 0 ? "passed" : `FAILED (exit ${status})`} in ${((Date.now() - t0) / 60_000).toFixed(1)} min`,
  );
}
clearInterval(sampler);
stopBurners();
process.stdout.write(`\n##### under load: ${results.join("; ")}\n`);
if (loads.length)
  process.stdout.write(
    `##### 1-minute load average (every 30 s): min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)} on ${cores} cores\n`,
  );
process.exit(status);
