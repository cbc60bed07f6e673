import { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { smtpTransport } from "../../backend/src/services/mail/transport.js";
import { httpSmsProvider } from "../../backend/src/services/sms/httpProvider.js";
import { env } from "../../backend/src/env.js";

/**
 * An outbox worker delivering to a real SMTP server and the local SMS endpoint, polling
 * fast. Start it in `before` and stop it in `after`.
 */
export function testWorker(opts: { smtpUrl: string; smsUrl: string; leaseMs?: number }): OutboxWorker {
  return new OutboxWorker({
    mail: smtpTransport(opts.smtpUrl, env().MAIL_FROM),
    sms: httpSmsProvider({ url: opts.smsUrl, token: "test-sms-token", from: "Kuvert", timeoutMs: 2000 }),
    intervalMs: 50,
    maxAttempts: 5,
    backoffBaseMs: 20,
    backoffCapMs: 200,
    leaseMs: opts.leaseMs ?? 30_000,
  });
}

/** Runs the worker until a pass claims nothing. */
export async function drain(worker: OutboxWorker, maxRounds = 50): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    const r = await worker.runOnce();
    if (r.claimed === 0) return;
  }
}
