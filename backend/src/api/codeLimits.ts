import { env, type Env } from "../env.js";
import { consumeRateLimit, rateLimit } from "../middlewares/rateLimit.js";
import type { Limit } from "./limits.js";

const QUARTER = 15 * 60;
const DAY = 24 * 60 * 60;
const limit = (variable: Extract<keyof Env, `RATE_LIMIT_${string}_POINTS`>, seconds: number): Limit => ({
  points: () => env()[variable],
  durationSeconds: () => seconds,
});

/**
 * Limits on sending and checking codes (SPEC S3, issue 3: bots slowed, SMS cost bounded).
 * Signed-in steps count per account (and SMS per organisation); the per-IP limits guard only
 * the anonymous and half-signed-in steps (password reset, SMS at sign-in, recovery). Each is
 * read from its RATE_LIMIT_… variable on each request (docs/security.md).
 */
export const codeLimits = {
  sendPerIp: limit("RATE_LIMIT_SMS_SEND_IP_POINTS", QUARTER),
  sendPerUser: limit("RATE_LIMIT_SMS_SEND_USER_POINTS", QUARTER),
  sendPerOrganisation: limit("RATE_LIMIT_SMS_SEND_ORG_POINTS", QUARTER),
  checkPerIp: limit("RATE_LIMIT_CODE_CHECK_IP_POINTS", QUARTER),
  checkPerUser: limit("RATE_LIMIT_CODE_CHECK_USER_POINTS", QUARTER),
  resetPerEmail: limit("RATE_LIMIT_RESET_EMAIL_POINTS", QUARTER),
  /** Reset confirmations per address per day: bounds online guessing over time (800-63B 5.2.2). */
  resetChecksPerDay: limit("RATE_LIMIT_RESET_CHECKS_DAY_POINTS", DAY),
} satisfies Record<string, Limit>;
type LimitName = keyof typeof codeLimits;

/** Per-IP limit for anonymous routes that send an SMS. */
export const smsSendIpLimit = () => rateLimit({ name: "sms-send-ip", ...codeLimits.sendPerIp });
/** Per-IP limit for anonymous routes that check a code. */
export const codeCheckIpLimit = () => rateLimit({ name: "code-check-ip", ...codeLimits.checkPerIp });

/** Per-account (or per-address) limits; call before opening the transaction. */
export async function limitPerKey(name: string, limit: LimitName, key: string): Promise<void> {
  await consumeRateLimit(name, key, codeLimits[limit]);
}

/** A signed-in user's code checks (SMS, authenticator and one-time codes): one count per user. */
export async function limitCodeChecksForUser(user: { id: string }): Promise<void> {
  await limitPerKey("code-check-user", "checkPerUser", user.id);
}

/** A signed-in user's SMS: counted per user and per organisation. */
export async function limitSmsForUser(user: { id: string; organisationId: string | null }): Promise<void> {
  await limitPerKey("sms-send-user", "sendPerUser", user.id);
  if (user.organisationId) await limitPerKey("sms-send-org", "sendPerOrganisation", user.organisationId);
}
