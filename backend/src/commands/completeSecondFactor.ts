import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { upgradeSession, revokeAllSessions } from "../services/sessions.js";
import { clearFailures, isLocked, lockRemainingSeconds, registerFailure, type RequestMeta } from "../services/lockout.js";
import { verifySecondFactor, type SecondFactorMethod } from "../services/secondFactor.js";
import { recordAudit } from "./recordAudit.js";

export type SecondFactorResult = { kind: "done" } | { kind: "invalid_code" } | { kind: "locked"; retryAfterSeconds: number | null };

export interface SecondFactorProps {
  user: User;
  method: SecondFactorMethod;
  code: string;
  meta: RequestMeta;
}

/**
 * The second step of sign-in, on a partial session. A right code upgrades it to a full session
 * with a new id and secret (the private key is resealed); a wrong one counts toward the lockout
 * like a wrong password, and a lock ends every session of the account. Failures are returned
 * as values: the caller must commit `t`.
 */
export async function completeSecondFactor(ctx: ParameterizedContext, t: Transaction, props: SecondFactorProps): Promise<SecondFactorResult> {
  const { user, meta } = props;
  await user.reload({ transaction: t });
  if (isLocked(user)) {
    await revokeAllSessions(t, user.id);
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }
  const ok = await verifySecondFactor(t, user, props.method, props.code, "login");
  if (!ok) {
    const { locked } = await registerFailure(t, user, meta, "second_factor");
    if (locked) {
      await revokeAllSessions(t, user.id);
      return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
    }
    return { kind: "invalid_code" };
  }
  await upgradeSession(ctx, t, "full");
  await clearFailures(t, user);
  await recordAudit(t, { type: "login.succeeded", organisationId: user.organisationId, userId: user.id, ip: meta.ip, userAgent: meta.userAgent, data: { secondFactor: props.method } });
  return { kind: "done" };
}
