import { OutboxWorker, type WorkerOptions } from "../../backend/src/outbox/worker.js";
import { smtpTransport } from "../../backend/src/services/mail/transport.js";
import { httpSmsProvider } from "../../backend/src/services/sms/httpProvider.js";
import { env } from "../../backend/src/env.js";

/**
 * An outbox worker delivering to a real SMTP server (pooled) and the local SMS endpoint,
 * polling fast; entries are retried for one minute of the backend clock. Start it in `before`
 * and stop it in `after`.
 */
export function testWorker(
  opts: { smtpUrl: string; smsUrl: string; leaseMs?: number } & Partial<Omit<WorkerOptions, "mail" | "sms">>,
): OutboxWorker {
  const { smtpUrl, smsUrl, ...overrides } = opts;
  return new OutboxWorker({
    mail: smtpTransport(smtpUrl, env().MAIL_FROM),
    sms: httpSmsProvider({ url: smsUrl, token: "test-sms-token", from: "Kuvert", timeoutMs: 2000 }),
    intervalMs: 50,
    retryForMs: 60_000,
    backoffBaseMs: 20,
    backoffCapMs: 200,
    leaseMs: 30_000,
    ...overrides,
  });
}

/** Runs the worker until a pass claims nothing. */
export async function drain(worker: OutboxWorker, maxRounds = 50): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    const r = await worker.runOnce();
    if (r.claimed === 0) return;
  }
}
