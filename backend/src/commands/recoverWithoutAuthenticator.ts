import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { upgradeSession, revokeAllSessions } from "../services/sessions.js";
import { clearFailures, isLocked, lockRemainingSeconds, registerFailure, type RequestMeta } from "../services/lockout.js";
import { checkSmsCode } from "../services/smsCodes.js";
import { useBackupCode } from "../services/backupCodes.js";
import { disableTotp } from "../services/totp.js";
import { recordAudit } from "./recordAudit.js";
import { notifySecurityChange } from "./notifySecurityChange.js";

export type RecoveryResult = { kind: "done" } | { kind: "invalid_code" } | { kind: "locked"; retryAfterSeconds: number | null };

export interface RecoveryProps {
  user: User;
  method: "sms" | "backup_code";
  code: string;
  meta: RequestMeta;
}

/**
 * Lost authenticator (F19), on a partial session (password already given): an SMS code of
 * purpose "login" or a one-time code signs in fully AND turns the authenticator off; the owner
 * is told (answer and e-mail) to turn it on again. Wrong codes count toward the lockout like
 * any second-factor failure. Failures are values: the caller must commit `t`.
 */
export async function recoverWithoutAuthenticator(ctx: ParameterizedContext, t: Transaction, props: RecoveryProps): Promise<RecoveryResult> {
  const { user, meta } = props;
  await user.reload({ transaction: t });
  if (isLocked(user)) {
    await revokeAllSessions(t, user.id);
    return { kind: "locked", retryAfterSeconds: lockRemainingSeconds(user) };
  }
  const ok = props.method === "sms" ? await checkSmsCode(t, user, "login", props.code) : await useBackupCode(t, user.id, props.code);
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
  const common = { organisationId: user.organisationId, userId: user.id, ip: meta.ip, userAgent: meta.userAgent };
  if (props.method === "backup_code") await recordAudit(t, { ...common, type: "backup_code.used", data: { for: "recovery" } });
  await recordAudit(t, { ...common, type: "login.succeeded", data: { secondFactor: props.method, recovery: true } });
  if (await disableTotp(t, user.id)) {
    await recordAudit(t, { ...common, type: "2fa.totp_disabled", data: { reason: "recovery", method: props.method } });
  }
  await notifySecurityChange(t, user, "totp_recovered", { method: props.method });
  return { kind: "done" };
}
