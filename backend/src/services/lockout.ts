import crypto from "node:crypto";
import { Op, literal, type Transaction } from "sequelize";
import { User } from "../models/User.js";
import { RateLimitBucket } from "../models/RateLimitBucket.js";
import { Organisation, type OrgPolicy } from "../models/Organisation.js";
import { recordAudit } from "./audit/recordAudit.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { env } from "../env.js";
import { clock } from "./clock.js";

export interface LockoutPolicy {
  threshold: number;
  mode: "hard" | "temporary";
  baseDelaySeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 3, mode: "hard", baseDelaySeconds: 300 };
const MAX_DELAY_SECONDS = 24 * 60 * 60;

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** The lockout policy of the user's organisation (recipients without one get the default). */
export async function lockoutPolicy(user: User, t?: Transaction): Promise<LockoutPolicy> {
  const org = user.organisationId ? await Organisation.findByPk(user.organisationId, { transaction: t }) : null;
  return policyFrom(org?.policy ?? {});
}

export function policyFrom(policy: OrgPolicy): LockoutPolicy {
  const threshold =
    Number.isInteger(policy.lockoutThreshold) && policy.lockoutThreshold! >= 1 && policy.lockoutThreshold! <= 100
      ? policy.lockoutThreshold!
      : DEFAULT_LOCKOUT.threshold;
  const mode = policy.lockoutMode === "temporary" ? "temporary" : "hard";
  const base =
    Number.isInteger(policy.lockoutBaseDelaySeconds) && policy.lockoutBaseDelaySeconds! >= 1
      ? Math.min(policy.lockoutBaseDelaySeconds!, MAX_DELAY_SECONDS)
      : DEFAULT_LOCKOUT.baseDelaySeconds;
  return { threshold, mode, baseDelaySeconds: base };
}

/** True while the account is locked: a hard lock (no end) or a temporary lock not yet over. */
export function isLocked(user: User, now = clock.now()): boolean {
  if (!user.lockedAt) return false;
  return user.lockUntil === null || user.lockUntil.getTime() > now.getTime();
}

/** Seconds until a temporary lock ends; null for a hard lock or no lock. */
export function lockRemainingSeconds(user: User, now = clock.now()): number | null {
  if (!user.lockedAt || !user.lockUntil) return null;
  return Math.max(0, Math.ceil((user.lockUntil.getTime() - now.getTime()) / 1000));
}

function formatTime(d: Date, locale: "sv" | "en"): string {
  return (
    new Intl.DateTimeFormat(locale === "sv" ? "sv-SE" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Europe/Stockholm",
    }).format(d) + " (Europe/Stockholm)"
  );
}

/**
 * Counts one failed sign-in step (wrong password or wrong second factor; a wrong password when
 * unlocking an API token's key, `unlock`, counts the same). At the policy's
 * threshold the account locks: hard (until a password reset or an operator unlock) or
 * temporary (base delay doubling with each lock since the last success, capped at 24 h). Every
 * lock is audited and the owner is e-mailed, in `t`.
 */
export async function registerFailure(
  t: Transaction,
  user: User,
  meta: RequestMeta,
  step: "password" | "second_factor" | "unlock",
): Promise<{ locked: boolean }> {
  await User.update(
    { failedLoginCount: literal("failed_login_count + 1") as unknown as number },
    { where: { id: user.id }, transaction: t },
  );
  await user.reload({ transaction: t });
  await recordAudit(t, {
    type: "login.failed",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { step, consecutiveFailures: user.failedLoginCount },
  });
  const policy = await lockoutPolicy(user, t);
  if (user.failedLoginCount < policy.threshold) return { locked: false };

  const now = clock.now();
  const delay =
    policy.mode === "temporary"
      ? Math.min(policy.baseDelaySeconds * 2 ** Math.min(user.lockCount, 20), MAX_DELAY_SECONDS)
      : null;
  user.lockedAt = now;
  user.lockUntil = delay === null ? null : new Date(now.getTime() + delay * 1000);
  user.lockCount = user.lockCount + 1;
  user.failedLoginCount = 0;
  await user.save({ transaction: t });
  await recordAudit(t, {
    type: "account.locked",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { mode: policy.mode, threshold: policy.threshold, ...(delay !== null ? { seconds: delay } : {}) },
  });
  await enqueueEmail(t, {
    to: user.email,
    template: "account-locked",
    locale: user.locale,
    vars: {
      name: user.name ?? "",
      hard: policy.mode === "hard",
      failures: policy.threshold,
      until: user.lockUntil ? formatTime(user.lockUntil, user.locale) : "",
      at: formatTime(now, user.locale),
      ip: meta.ip ?? "",
      resetUrl: `${env().PUBLIC_URL}/password-reset`,
    },
  });
  return { locked: true };
}

/** After a completed sign-in: the failure and lock counters start again. */
export async function clearFailures(t: Transaction, user: User): Promise<void> {
  if (user.failedLoginCount === 0 && user.lockCount === 0 && !user.lockedAt) return;
  user.failedLoginCount = 0;
  user.lockCount = 0;
  user.lockedAt = null;
  user.lockUntil = null;
  await user.save({ transaction: t });
}

/**
 * Lifts a lock (password reset, operator `user:unlock`) and audits it. Returns false when the
 * account was not locked. Password reset (SECOND-FACTOR) calls this too.
 */
export async function unlockAccount(
  t: Transaction,
  user: User,
  props: { reason: "password_reset" | "operator" | "admin"; actorId?: string | null } & Partial<RequestMeta>,
): Promise<boolean> {
  const wasLocked = !!user.lockedAt;
  user.failedLoginCount = 0;
  user.lockCount = 0;
  user.lockedAt = null;
  user.lockUntil = null;
  await user.save({ transaction: t });
  if (wasLocked) {
    await recordAudit(t, {
      type: "account.unlocked",
      organisationId: user.organisationId,
      userId: user.id,
      actorId: props.actorId ?? null,
      ip: props.ip ?? null,
      userAgent: props.userAgent ?? null,
      data: { reason: props.reason },
    });
  }
  return wasLocked;
}

/**
 * The lockout policy a real account at `email` would most likely have: that of the
 * organisation with the earliest account at the same domain, else the default. Unknown
 * addresses follow it, so the lock (and its Retry-After) does not tell them from real ones.
 */
export async function lockoutPolicyForAddress(email: string, t?: Transaction): Promise<LockoutPolicy> {
  const domain = email.slice(email.lastIndexOf("@") + 1);
  // LIKE has no portable escape: a domain with a wildcard character gets the default.
  if (!domain || /[%_\\]/.test(domain)) return DEFAULT_LOCKOUT;
  const colleague = await User.findOne({
    where: { email: { [Op.like]: `%@${domain}` }, organisationId: { [Op.ne]: null } },
    order: [["createdAt", "ASC"]],
    transaction: t,
  });
  return colleague ? lockoutPolicy(colleague, t) : DEFAULT_LOCKOUT;
}

/** Rows in rate_limit_buckets holding an unknown address's simulated lock state (hashed address). */
function unknownKey(kind: "fails" | "until" | "count", email: string): string {
  return `lockout-unknown-${kind}:${crypto.createHash("sha256").update(email).digest("base64url")}`;
}

async function putBucket(t: Transaction, key: string, points: number, expiresAt: Date): Promise<void> {
  const [updated] = await RateLimitBucket.update({ points, expiresAt }, { where: { bucketKey: key }, transaction: t });
  if (updated === 0) await RateLimitBucket.create({ bucketKey: key, points, expiresAt }, { transaction: t });
}

const live = (row: RateLimitBucket | null, now: Date) => !!row && row.expiresAt.getTime() > now.getTime();

/**
 * One failed sign-in for an address with no account, answered exactly like a real account
 * under `lockoutPolicyForAddress`: the threshold, then a hard lock (kept 24 hours) or a
 * temporary one with the same doubling delay and Retry-After. State sits in hashed
 * rate-limit rows, written in `t` (the caller commits on failure).
 */
export async function registerUnknownFailure(
  t: Transaction,
  email: string,
): Promise<{ locked: boolean; retryAfterSeconds: number | null }> {
  const policy = await lockoutPolicyForAddress(email, t);
  const now = clock.now();
  const until = await RateLimitBucket.findByPk(unknownKey("until", email), { transaction: t });
  if (until && live(until, now)) {
    const left = Math.max(1, Math.ceil((until.expiresAt.getTime() - now.getTime()) / 1000));
    return { locked: true, retryAfterSeconds: until.points === 0 ? null : left };
  }
  const fails = await RateLimitBucket.findByPk(unknownKey("fails", email), { transaction: t });
  const failures = (live(fails, now) ? fails!.points : 0) + 1;
  if (failures < policy.threshold) {
    await putBucket(t, unknownKey("fails", email), failures, new Date(now.getTime() + MAX_DELAY_SECONDS * 1000));
    return { locked: false, retryAfterSeconds: null };
  }
  await putBucket(t, unknownKey("fails", email), 0, now);
  if (policy.mode === "hard") {
    // points 0 marks a hard lock (no Retry-After); it lapses after a day instead of never.
    await putBucket(t, unknownKey("until", email), 0, new Date(now.getTime() + MAX_DELAY_SECONDS * 1000));
    return { locked: true, retryAfterSeconds: null };
  }
  const count = await RateLimitBucket.findByPk(unknownKey("count", email), { transaction: t });
  const lockCount = live(count, now) ? count!.points : 0;
  const delay = Math.min(policy.baseDelaySeconds * 2 ** Math.min(lockCount, 20), MAX_DELAY_SECONDS);
  await putBucket(t, unknownKey("until", email), 1, new Date(now.getTime() + delay * 1000));
  await putBucket(t, unknownKey("count", email), lockCount + 1, new Date(now.getTime() + 2 * MAX_DELAY_SECONDS * 1000));
  return { locked: true, retryAfterSeconds: delay };
}
