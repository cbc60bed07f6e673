import type { Middleware } from "koa";
import { env, type Env } from "../env.js";
import { authState } from "../middlewares/authenticate.js";
import { consumeRateLimit, rateLimit } from "../middlewares/rateLimit.js";

type PointsVariable = Extract<keyof Env, `RATE_LIMIT_${string}_POINTS`>;

/** A limit: requests per window, read from the configuration on each request. */
export interface Limit {
  points: () => number;
  durationSeconds: () => number;
}

const MINUTE = 60;
const QUARTER = 15 * 60;
const HOUR = 60 * 60;

const limit = (variable: PointsVariable, seconds: number): Limit => ({
  points: () => env()[variable],
  durationSeconds: () => seconds,
});

/**
 * Limits on signed-in actions (docs/security.md "Rate limits"). They count per user, and for
 * sending per organisation too, never per client IP: the staff of an office share one NAT
 * address. Anonymous steps keep their per-IP limits (api/authLimits.ts, api/codeLimits.ts).
 */
export const limits = {
  sendUser: limit("RATE_LIMIT_SEND_USER_POINTS", MINUTE),
  sendOrganisation: limit("RATE_LIMIT_SEND_ORG_POINTS", MINUTE),
  draftUser: limit("RATE_LIMIT_DRAFT_USER_POINTS", MINUTE),
  uploadUser: limit("RATE_LIMIT_UPLOAD_USER_POINTS", MINUTE),
  searchUser: limit("RATE_LIMIT_SEARCH_USER_POINTS", MINUTE),
  keysLookupUser: limit("RATE_LIMIT_KEYS_LOOKUP_USER_POINTS", MINUTE),
  apiUser: limit("RATE_LIMIT_API_USER_POINTS", MINUTE),
  adminUser: limit("RATE_LIMIT_ADMIN_USER_POINTS", MINUTE),
  exportUser: limit("RATE_LIMIT_EXPORT_USER_POINTS", HOUR),
  passwordChangeUser: limit("RATE_LIMIT_PASSWORD_CHANGE_USER_POINTS", QUARTER),
  tokenCreateUser: limit("RATE_LIMIT_TOKEN_CREATE_USER_POINTS", QUARTER),
  tokenUnlockUser: limit("RATE_LIMIT_TOKEN_UNLOCK_USER_POINTS", QUARTER),
  idCheckSend: limit("RATE_LIMIT_ID_CHECK_SEND_POINTS", QUARTER),
  idCheckVerify: limit("RATE_LIMIT_ID_CHECK_VERIFY_POINTS", QUARTER),
  recipientIp: limit("RATE_LIMIT_RECIPIENT_IP_POINTS", QUARTER),
  recipientLinkSends: limit("RATE_LIMIT_RECIPIENT_LINK_SENDS_POINTS", QUARTER),
  recipientLinkChecks: limit("RATE_LIMIT_RECIPIENT_LINK_CHECKS_POINTS", QUARTER),
  sharedLink: limit("RATE_LIMIT_SHARED_LINK_POINTS", QUARTER),
  inbound: limit("RATE_LIMIT_INBOUND_POINTS", MINUTE),
} satisfies Record<string, Limit>;

/** Route middleware after authenticated(): counts the request against the signed-in user. */
export function perUser(name: string, l: Limit): Middleware {
  return rateLimit({ name, ...l, key: (ctx) => authState(ctx).user.id });
}

/** Counts against the user's organisation as well (users without one, recipients: per user only). */
export async function consumeForOrganisation(name: string, organisationId: string | null, l: Limit): Promise<void> {
  if (organisationId) await consumeRateLimit(name, organisationId, l);
}
