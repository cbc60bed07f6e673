#!/usr/bin/env node
// In production runs the compiled server (`npm run build` writes dist/) in as many HTTP worker
// processes as WEB_CONCURRENCY says (default: the available cores), under a node:cluster
// primary that starts them one after the other (the first migrates the database before it
// listens) and replaces any that dies. Only the first worker runs the outbox worker and the
// scheduled jobs (the others start with WORKER_ENABLED=false); its replacement takes that role
// over. In development and tests: one process running the TypeScript sources through tsx, so
// `npm install && npm start` needs no build step. The web app is built into dist/web/ first when
// it is missing or its sources changed.
import cluster from "node:cluster";
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const compiled = path.join(root, "dist/backend/src/main.js");

if (cluster.isWorker) {
  // A worker forked by the primary below: the compiled server, nothing else.
  await import(compiled);
} else {
  await startPrimary();
}

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exit(78);
}

/**
 * WEB_CONCURRENCY: a whole number of HTTP worker processes. Production's default is the cores,
 * except on SQLite, where writes from several processes would only wait on each other's locks.
 */
function webConcurrency(production) {
  const raw = process.env.WEB_CONCURRENCY;
  const sqlite = (process.env.DATABASE_URL ?? "").startsWith("sqlite:");
  if (raw === undefined || raw === "") return production && !sqlite ? os.availableParallelism() : 1;
  if (!/^[1-9][0-9]*$/.test(raw) || Number(raw) > 256) fail(`WEB_CONCURRENCY: must be a whole number from 1 to 256`);
  return Number(raw);
}

async function startPrimary() {
  // NODE_ENV may come from .env, as every other setting (backend/src/env.ts reads it the same way).
  (await import("dotenv")).config({ quiet: true });
  const production = process.env.NODE_ENV === "production";
  if (production && !existsSync(compiled)) {
    fail("NODE_ENV=production runs the compiled server: run `npm run build` first (dist/ is missing)");
  }
  const workers = webConcurrency(production);
  const { register } = await import("tsx/esm/api");
  let registered = false;
  const useTsx = () => {
    if (!registered) register();
    registered = true;
  };
  if (!production || !existsSync(path.join(root, "dist/web/index.html"))) {
    // The web app: rebuilt (about a second, esbuild) only when its sources changed.
    useTsx();
    const { ensureWebApp } = await import(path.join(root, "backend/web/build.ts"));
    const { built } = await ensureWebApp();
    if (built) process.stdout.write("Web app built into dist/web/\n");
  }
  if (!production || !existsSync(path.join(root, "dist/addin/build.json"))) {
    // The Outlook add-in's static files (launch-event runtime, icons), served under /addin/.
    useTsx();
    const { ensureAddin } = await import(path.join(root, "addin/scripts/buildAddin.ts"));
    if ((await ensureAddin()).built) process.stdout.write("Add-in built into dist/addin/\n");
  }
  if (!production) {
    if (workers > 1)
      process.stderr.write("WEB_CONCURRENCY is for production (the compiled server); one process here\n");
    useTsx();
    await import(path.join(root, "backend/src/main.ts"));
  } else if (workers === 1) {
    await import(compiled);
  } else {
    runCluster(workers);
  }
}

/** The primary: starts `count` workers, replaces those that die, stops them all on a signal. */
function runCluster(count) {
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url) });
  let stopping = false;
  let started = false;
  const fork = (lead) => {
    // The lead worker keeps the operator's WORKER_ENABLED (outbox and jobs); the others serve HTTP only.
    const worker = cluster.fork(
      lead ? { KUVERT_LEAD_WORKER: "1" } : { KUVERT_LEAD_WORKER: "0", WORKER_ENABLED: "false" },
    );
    let listening = false;
    worker.once("listening", () => {
      listening = true;
      if (lead && !started) {
        started = true;
        for (let i = 1; i < count; i++) fork(false);
      }
    });
    worker.once("exit", (code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      if (!listening && !started) {
        // The first worker could not start (configuration, database): so would any other.
        process.exit(code || 1);
      }
      process.stderr.write(
        `Kuvert worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting a new one\n`,
      );
      setTimeout(() => fork(lead), 200);
    });
  };
  fork(true);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {});
    if (live.length === 0) process.exit(0);
    // Each worker stops gracefully on SIGTERM (backend/src/main.ts) and then exits.
    for (const w of live) w?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
