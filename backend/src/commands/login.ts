import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { User, normaliseEmail } from "../models/User.js";
import { hashSecret, needsRehash, verifySecret } from "../services/passwords.js";
import { createSession, type AuthState } from "../services/sessions.js";
import {
  clearFailures,
  isLocked,
  lockRemainingSeconds,
  registerFailure,
  registerUnknownFailure,
  type RequestMeta,
} from "../services/lockout.js";
import { secondFactorMethods, type SecondFactorMethod } from "../services/secondFactor.js";
import { unlockKeysForSession } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type LoginResult =
  | { kind: "done" }
  | { kind: "second_factor"; methods: SecondFactorMethod[] }
  | { kind: "invalid_credentials" }
  | { kind: "locked"; retryAfterSeconds: number | null };

export interface LoginProps {
  email: string;
  password: string;
  meta: RequestMeta;
}

/**
 * The password step of sign-in. Never reveals whether the address exists: unknown addresses,
 * wrong passwords and inactive accounts all answer invalid_credentials after the same scrypt
 * work, and unknown addresses "lock" like real ones under the policy of the organisation at
 * their domain (threshold, hard or temporary, the same Retry-After). A locked
 * account answers locked even with the right password. On success a session starts (partial
 * when a second factor is due) and the private key is unlocked into it.
 *
 * Failures are written in `t` and returned as values: the caller must commit `t`.
 */
export async function login(ctx: ParameterizedContext, t: Transaction, props: LoginProps): Promise<LoginResult> {
  const email = normaliseEmail(props.email);
  const user = await User.findOne({ where: { email }, transaction: t });

  if (!user) {
    await verifySecret(props.password, null);
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
    await verifySecret(props.password, null);
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

  const ok = await verifySecret(props.password, user.passwordHash);
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
  if (!ok) {
    const { locked } = await registerFailure(t, user, props.meta, "password");
    return locked ? { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) } : { kind: "invalid_credentials" };
  }

  if (user.passwordHash && needsRehash(user.passwordHash)) {
    user.passwordHash = await hashSecret(props.password);
    await user.save({ transaction: t });
  }
  const methods = await secondFactorMethods(user);
  const stage = methods.length > 0 ? "partial" : "full";
  const session = await createSession(ctx, t, user, stage);
  const auth = ctx.state.auth as AuthState;
  await unlockKeysForSession(t, user, props.password, session.id, auth.sessionKey!);
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
