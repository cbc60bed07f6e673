import { ConfigError, env, setEnv, loadEnv } from "./env.js";
import { startServer } from "./server.js";
import { ensureDemo } from "./commands/ensureDemo.js";
import { logger } from "./logger.js";
import { checkBlobStoreConfig } from "./services/blobs/index.js";

async function main(): Promise<void> {
  try {
    setEnv(loadEnv());
    checkBlobStoreConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const e = env();
  const server = await startServer();
  logger.info({ port: server.port, env: e.NODE_ENV }, "listening");
  // Under the production cluster (bin/start.js) only the lead worker creates the demo and greets.
  const lead = process.env.KUVERT_LEAD_WORKER !== "0";
  if (lead && (e.DEMO ?? e.isDev)) {
    const demo = await ensureDemo();
    if (demo) {
      process.stdout.write(
        `\nKuvert is running at ${e.PUBLIC_URL}\n` +
          `A demo organisation was created. Sign in as its admin (this password is shown only once):\n` +
          `  e-mail:   ${demo.email}\n  password: ${demo.password}\n` +
          `E-mail is written to ${e.VAR_DIR}/outbox/mail/ and SMS to ${e.VAR_DIR}/outbox/sms.jsonl\n\n`,
      );
    } else {
      process.stdout.write(`\nKuvert is running at ${e.PUBLIC_URL}\n\n`);
    }
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // `on`, not `once`: a second signal (the cluster primary forwards one too) must not kill the
  // process halfway through its graceful stop; server.stop() runs once.
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // A cluster worker whose primary is gone (bin/start.js) stops too rather than serve on alone.
  process.on("disconnect", () => shutdown("disconnect"));
}

main().catch((err: Error) => {
  process.stderr.write(`Kuvert could not start: ${err.message}\n`);
  process.exit(1);
});
