import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { transaction } from "../db.js";
import { User, normaliseEmail } from "../models/User.js";
import { hashSecret, needsRehash, verifySecret, withPasswordSlot } from "../services/passwords.js";
import { createSession, type AuthState } from "../services/sessions.js";
import {
  clearFailures,
  isLocked,
  lockRemainingSeconds,
  registerFailure,
  registerUnknownFailure,
  type RequestMeta,
} from "../services/lockout.js";
import { secondFactorMethods, secondFactorSetupDue, type SecondFactorMethod } from "../services/secondFactor.js";
import { openKeyWithPassword, sealKeyForSession, type UnlockedKey } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type LoginResult =
  | { kind: "done" }
  | { kind: "second_factor"; methods: SecondFactorMethod[] }
  | { kind: "second_factor_setup" }
  | { kind: "invalid_credentials" }
  | { kind: "locked"; retryAfterSeconds: number | null };

export interface LoginProps {
  email: string;
  password: string;
  meta: RequestMeta;
}

/**
 * What the slow part of sign-in found, before any transaction: scrypt of the password against
 * the account's hash (or a dummy hash of the same cost), the private key opened with it, and a
 * new hash when the stored one is older. The transaction re-reads the account and uses this
 * only while the hash and the key wrap are unchanged.
 */
interface Checked {
  userId: string | null;
  passwordHash: string | null;
  passwordOk: boolean;
  /** The account was locked when checked (its password was then not tried). */
  locked: boolean;
  rehash: string | null;
  privateKeyPassword: string | null;
  unlocked: UnlockedKey | null;
}

async function check(email: string, password: string, t?: Transaction): Promise<Checked> {
  const user = await User.findOne({ where: { email }, transaction: t });
  const none = { rehash: null, unlocked: null };
  if (!user) {
    await verifySecret(password, null);
    return { userId: null, passwordHash: null, passwordOk: false, locked: false, privateKeyPassword: null, ...none };
  }
  const snapshot = {
    userId: user.id,
    passwordHash: user.passwordHash,
    privateKeyPassword: user.privateKeyPassword,
    locked: isLocked(user),
  };
  // A locked account answers locked even with the right password: nothing to learn from it.
  const ok = await verifySecret(password, snapshot.locked ? null : user.passwordHash);
  if (!ok || user.status !== "active") return { ...snapshot, passwordOk: ok, ...none };
  return {
    ...snapshot,
    passwordOk: true,
    rehash: user.passwordHash && needsRehash(user.passwordHash) ? await hashSecret(password) : null,
    unlocked: await openKeyWithPassword(user, password),
  };
}

/**
 * The password step of sign-in. Never reveals whether the address exists: unknown addresses,
 * wrong passwords and inactive accounts all answer invalid_credentials after the same scrypt
 * work, and unknown addresses "lock" like real ones under the policy of the organisation at
 * their domain (threshold, hard or temporary, the same Retry-After). A locked
 * account answers locked even with the right password. On success a session starts (partial
 * when a second factor is due) and the private key is unlocked into it.
 *
 * The scrypt work (password check, key unwrap, re-hash and re-wrap) runs before the
 * transaction opens, so a burst of sign-ins never holds the database (SQLite's one writer, a
 * pool connection) while deriving keys. The transaction re-reads the account; if its password
 * hash or key wrap changed meanwhile, the check runs again (the last time inside it).
 * Failures are committed (lockout counters), then returned as values.
 */
export async function login(ctx: ParameterizedContext, props: LoginProps): Promise<LoginResult> {
  const email = normaliseEmail(props.email);
  for (let attempt = 1; attempt < 3; attempt++) {
    const checked = await withPasswordSlot(() => check(email, props.password));
    const result = await transaction((t) => finish(ctx, t, email, props, checked));
    if (result) return result;
  }
  return transaction(async (t) => (await finish(ctx, t, email, props, await check(email, props.password, t)))!);
}

/** The database part of sign-in, in `t`; null when `checked` no longer matches the account. */
async function finish(
  ctx: ParameterizedContext,
  t: Transaction,
  email: string,
  props: LoginProps,
  checked: Checked,
): Promise<LoginResult | null> {
  const user = await User.findOne({ where: { email }, transaction: t });
  if (
    (user?.id ?? null) !== checked.userId ||
    (user?.passwordHash ?? null) !== checked.passwordHash ||
    (user?.privateKeyPassword ?? null) !== checked.privateKeyPassword ||
    (user ? isLocked(user) : false) !== checked.locked
  )
    return null;

  if (!user) {
    const attempt = await registerUnknownFailure(t, email);
    await recordAudit(t, {
      type: "login.failed",
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
      data: { step: "password", reason: "unknown_account" },
    });
    return attempt.locked
      ? { kind: "locked", retryAfterSeconds: attempt.retryAfterSeconds }
      : { kind: "invalid_credentials" };
  }

  if (isLocked(user)) {
    await recordAudit(t, {
      type: "login.refused",
      organisationId: user.organisationId,
      userId: user.id,
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
      data: { reason: "locked" },
    });
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }

  if (user.status !== "active") {
    await recordAudit(t, {
      type: "login.refused",
      organisationId: user.organisationId,
      userId: user.id,
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
      data: { reason: user.status },
    });
    return { kind: "invalid_credentials" };
  }
  if (!checked.passwordOk) {
    const { locked } = await registerFailure(t, user, props.meta, "password");
    return locked ? { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) } : { kind: "invalid_credentials" };
  }

  if (checked.rehash) {
    user.passwordHash = checked.rehash;
    await user.save({ transaction: t });
  }
  const methods = await secondFactorMethods(user, t);
  const stage =
    methods.length > 0 ? "partial" : (await secondFactorSetupDue(user, t)) ? ("setup" as const) : ("full" as const);
  const session = await createSession(ctx, t, user, stage);
  const auth = ctx.state.auth as AuthState;
  await sealKeyForSession(t, user, props.password, checked.unlocked, session.id, auth.sessionKey!);
  if (stage === "partial") {
    await recordAudit(t, {
      type: "login.password_ok",
      organisationId: user.organisationId,
      userId: user.id,
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
      data: { methods },
    });
    return { kind: "second_factor", methods };
  }
  if (stage === "setup") {
    await recordAudit(t, {
      type: "login.password_ok",
      organisationId: user.organisationId,
      userId: user.id,
      ip: props.meta.ip,
      userAgent: props.meta.userAgent,
      data: { methods: [], setupRequired: true },
    });
    return { kind: "second_factor_setup" };
  }
  await clearFailures(t, user);
  await recordAudit(t, {
    type: "login.succeeded",
    organisationId: user.organisationId,
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { secondFactor: null },
  });
  return { kind: "done" };
}
