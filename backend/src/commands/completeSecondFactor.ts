import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { upgradeSession, revokeAllSessions } from "../services/sessions.js";
import {
  clearFailures,
  isLocked,
  lockRemainingSeconds,
  registerFailure,
  type RequestMeta,
} from "../services/lockout.js";
import { verifySecondFactor, type SecondFactorMethod } from "../services/secondFactor.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type SecondFactorResult =
  { kind: "done" } | { kind: "invalid_code" } | { kind: "locked"; retryAfterSeconds: number | null };

export interface SecondFactorProps {
  user: User;
  method: SecondFactorMethod;
  code: string;
  meta: RequestMeta;
}

/**
 * What every second step of sign-in shares (the normal one and lost-authenticator recovery):
 * a locked account stays locked; a failed `check` counts toward the lockout like a wrong
 * password, and a lock ends every session; a passed one upgrades the partial session to a full
 * one with a new id and secret (the private key is resealed) and clears the failures.
 */
export async function runSecondStep(
  ctx: ParameterizedContext,
  t: Transaction,
  user: User,
  meta: RequestMeta,
  check: () => Promise<boolean>,
): Promise<SecondFactorResult> {
  await user.reload({ transaction: t });
  if (isLocked(user)) {
    await revokeAllSessions(t, user.id);
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }
  if (!(await check())) {
    const { locked } = await registerFailure(t, user, meta, "second_factor");
    if (locked) {
      await revokeAllSessions(t, user.id);
      return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
    }
    return { kind: "invalid_code" };
  }
  await upgradeSession(ctx, t, "full");
  await clearFailures(t, user);
  return { kind: "done" };
}

/**
 * The second step of sign-in, on a partial session (see runSecondStep). Failures are returned
 * as values: the caller must commit `t`.
 */
export async function completeSecondFactor(
  ctx: ParameterizedContext,
  t: Transaction,
  props: SecondFactorProps,
): Promise<SecondFactorResult> {
  const { user, meta } = props;
  const result = await runSecondStep(ctx, t, user, meta, () =>
    verifySecondFactor(t, user, props.method, props.code, "login"),
  );
  if (result.kind === "done") {
    await recordAudit(t, {
      type: "login.succeeded",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { secondFactor: props.method },
    });
  }
  return result;
}
