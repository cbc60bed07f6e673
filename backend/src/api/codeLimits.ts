import { consumeRateLimit, rateLimit } from "../middlewares/rateLimit.js";

/**
 * Limits on sending and checking codes (SPEC S3, issue 3: bots slowed, SMS cost bounded).
 * Per IP they are generous (offices share an address); per account they are tight. A mutable
 * object so tests can tighten a limit for a 429 test; the middleware reads it per request.
 */
export const codeLimits = {
  sendPerIp: { points: 60, durationSeconds: 15 * 60 },
  sendPerUser: { points: 8, durationSeconds: 15 * 60 },
  checkPerIp: { points: 200, durationSeconds: 15 * 60 },
  checkPerUser: { points: 30, durationSeconds: 15 * 60 },
  resetPerEmail: { points: 5, durationSeconds: 15 * 60 },
  /** Reset confirmations per address per day: bounds online guessing over time (800-63B 5.2.2). */
  resetChecksPerDay: { points: 20, durationSeconds: 24 * 60 * 60 },
};
type LimitName = keyof typeof codeLimits;

function limitMiddleware(name: string, limit: LimitName) {
  return rateLimit({
    name,
    points: () => codeLimits[limit].points,
    durationSeconds: () => codeLimits[limit].durationSeconds,
  });
}

/** Per-IP limit for routes that send an SMS. */
export const smsSendIpLimit = () => limitMiddleware("sms-send-ip", "sendPerIp");
/** Per-IP limit for routes that check a code. */
export const codeCheckIpLimit = () => limitMiddleware("code-check-ip", "checkPerIp");

/** Per-account (or per-address) limits; call before opening the transaction. */
export async function limitPerKey(name: string, limit: LimitName, key: string): Promise<void> {
  await consumeRateLimit(name, key, {
    points: () => codeLimits[limit].points,
    durationSeconds: () => codeLimits[limit].durationSeconds,
  });
}
