import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { runSecondStep, type SecondFactorResult } from "./completeSecondFactor.js";
import { checkSmsCode } from "../services/smsCodes.js";
import { useBackupCode } from "../services/backupCodes.js";
import { disableTotp } from "../services/totp.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { notifySecurityChange } from "./notifySecurityChange.js";

export type RecoveryResult = SecondFactorResult;

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
export async function recoverWithoutAuthenticator(
  ctx: ParameterizedContext,
  t: Transaction,
  props: RecoveryProps,
): Promise<RecoveryResult> {
  const { user, meta } = props;
  const result = await runSecondStep(ctx, t, user, meta, () =>
    props.method === "sms" ? checkSmsCode(t, user, "login", props.code) : useBackupCode(t, user.id, props.code),
  );
  if (result.kind !== "done") return result;
  const common = { organisationId: user.organisationId, userId: user.id, ip: meta.ip, userAgent: meta.userAgent };
  if (props.method === "backup_code")
    await recordAudit(t, { ...common, type: "backup_code.used", data: { for: "recovery" } });
  await recordAudit(t, { ...common, type: "login.succeeded", data: { secondFactor: props.method, recovery: true } });
  if (await disableTotp(t, user.id)) {
    await recordAudit(t, { ...common, type: "2fa.totp_disabled", data: { reason: "recovery", method: props.method } });
  }
  await notifySecurityChange(t, user, "totp_recovered", { method: props.method });
  return { kind: "done" };
}
