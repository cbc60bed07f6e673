import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Sequelize } from "sequelize";
import { env } from "./env.js";
import { connect, disconnect } from "./db.js";
import { migrateUp } from "./migrate.js";
import { createApp } from "./app.js";
import type { OutboxWorker } from "./outbox/worker.js";
import { workerFromEnv } from "./outbox/fromEnv.js";
import { createHttpServer } from "./httpServer.js";
import { logger } from "./logger.js";
import { startInboundSmtp, type InboundSmtpListener } from "./services/inbound/smtpListener.js";
import { Scheduler, defaultJobs } from "./jobs/scheduler.js";
import { processInboundMail } from "./commands/processInboundMail.js";

export interface RunningServer {
  /** http://127.0.0.1:<port>, or https:// when HTTPS_CERT_FILE/HTTPS_KEY_FILE are set. */
  url: string;
  port: number;
  http: http.Server;
  sequelize: Sequelize;
  worker: OutboxWorker | null;
  /** The inbound SMTP listener (bounces, auto-replies), when INBOUND_SMTP_PORT is set. */
  inbound: InboundSmtpListener | null;
  stop(): Promise<void>;
}

export { workerFromEnv };

/** Connects, migrates, listens and starts the outbox worker (unless OUTBOX_WORKER=off). */
export async function startServer(opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const e = env();
  const sequelize = await connect();
  await migrateUp(sequelize);
  const app = createApp();
  const tls =
    e.HTTPS_CERT_FILE && e.HTTPS_KEY_FILE
      ? { cert: fs.readFileSync(e.HTTPS_CERT_FILE), key: fs.readFileSync(e.HTTPS_KEY_FILE) }
      : null;
  const server = createHttpServer(app, tls);
  if (e.WORKER_PID_HEADER) {
    // Diagnostics (and the cluster test): which worker process answered.
    server.prependListener("request", (_req, res: http.ServerResponse) =>
      res.setHeader("X-Kuvert-Worker-Pid", String(process.pid)),
    );
  }
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 0; // large uploads stream for a long time; idle sockets still time out
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? e.PORT, opts.host ?? e.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // OUTBOX_WORKER=off: delivery runs in its own process (`kuvert worker`), out of reach of request load.
  const worker = e.WORKER_ENABLED && e.OUTBOX_WORKER === "on" ? workerFromEnv() : null;
  worker?.start();
  const inbound =
    e.INBOUND_SMTP_PORT === undefined
      ? null
      : await startInboundSmtp({ port: e.INBOUND_SMTP_PORT, host: opts.host ?? e.HOST, onMessage: processInboundMail });
  const scheduler = e.WORKER_ENABLED ? new Scheduler(defaultJobs()) : null;
  scheduler?.start();
  let stopping: Promise<void> | undefined;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    http: server,
    sequelize,
    worker,
    inbound,
    stop() {
      stopping ??= (async () => {
        // Stop accepting, let requests in flight finish, then stop the worker and close the pool.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await inbound?.close();
        await worker?.stop();
        await scheduler?.stop();
        await disconnect();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
