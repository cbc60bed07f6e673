import { env } from "../env.js";
import { logger } from "../logger.js";
import { mailTransportFromEnv } from "../services/mail/index.js";
import { smsProviderFromEnv } from "../services/sms/index.js";
import { OutboxWorker } from "./worker.js";

/** The outbox worker as configured (OUTBOX_*, SMTP_*, SMS_*, WORKER_INTERVAL_MS). */
export function workerFromEnv(): OutboxWorker {
  const e = env();
  return new OutboxWorker({
    mail: mailTransportFromEnv(e),
    sms: smsProviderFromEnv(e),
    intervalMs: e.WORKER_INTERVAL_MS,
    retryForMs: Math.round(e.OUTBOX_RETRY_HOURS * 60 * 60 * 1000),
    backoffBaseMs: e.OUTBOX_BACKOFF_BASE_MS,
    backoffCapMs: e.OUTBOX_BACKOFF_CAP_MS,
    leaseMs: e.OUTBOX_LEASE_MS,
    concurrency: e.OUTBOX_CONCURRENCY,
  });
}

/**
 * `kuvert worker`: delivers the outbox in a process of its own, so request load on the web
 * processes cannot starve it (run them with OUTBOX_WORKER=off). Any number may run at once.
 * Resolves when SIGTERM or SIGINT has stopped it (deliveries in flight are finished).
 */
export async function runWorkerProcess(onStarted: (worker: OutboxWorker) => void): Promise<void> {
  const worker = workerFromEnv();
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  // The worker's own timer is unref'd (it must not hold a web process open); here nothing else
  // may keep the event loop alive (SQLite holds no socket), and Node would quietly exit 0.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  worker.start();
  logger.info({ worker: worker.id, concurrency: worker.concurrency }, "outbox worker started");
  onStarted(worker);
  const signal = await stopped;
  logger.info({ signal }, "outbox worker stopping");
  await worker.stop();
  clearInterval(keepAlive);
}
