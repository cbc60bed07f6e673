import type { Transaction } from "sequelize";
import { User, normaliseEmail } from "../models/User.js";
import { hashSecret } from "../services/passwords.js";
import { checkSmsCode } from "../services/smsCodes.js";
import { useBackupCode } from "../services/backupCodes.js";
import { unlockAccount, type RequestMeta } from "../services/lockout.js";
import { revokeAllSessions } from "../services/sessions.js";
import { rewrapUserKeys } from "../services/keys/userKeys.js";
import { revokeAllApiTokens } from "../services/apiTokens.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { formatTime } from "./notifySecurityChange.js";

export interface ResetPasswordProps {
  email: string;
  /** A 6-digit SMS code (purpose password_reset) or a one-time code. */
  code: string;
  /** Already checked against the password policy. */
  password: string;
  meta: RequestMeta;
}

export type ResetPasswordResult =
  { kind: "done"; method: "sms" | "backup_code"; unlocked: boolean } | { kind: "invalid_code" };

/** 6 digits (spaces/hyphens allowed) is an SMS code; anything else is tried as a one-time code. */
export function codeKind(code: string): "sms" | "backup_code" {
  return /^\d{6}$/.test(code.replace(/[\s-]/g, "")) ? "sms" : "backup_code";
}

/**
 * Forgot password (F19): with a right SMS code or one-time code, sets the new password, lifts
 * a lock, re-wraps the private key from escrow (KEYS; zero-access orgs get a new key pair),
 * ends every session and API token, audits and tells the owner by e-mail. A wrong code returns
 * a value (the try must be committed). Unknown or inactive accounts answer exactly like a wrong code.
 */
export async function resetPasswordWithCode(t: Transaction, props: ResetPasswordProps): Promise<ResetPasswordResult> {
  const user = await User.findOne({ where: { email: normaliseEmail(props.email) }, transaction: t });
  if (!user || user.status !== "active") return { kind: "invalid_code" };
  const method = codeKind(props.code);
  const ok =
    method === "sms"
      ? await checkSmsCode(t, user, "password_reset", props.code)
      : await useBackupCode(t, user.id, props.code);
  if (!ok) {
    await recordAudit(t, {
      type: "password_reset.failed",
      organisationId: user.organisationId,
      userId: user.id,
      ...props.meta,
      data: { method },
    });
    return { kind: "invalid_code" };
  }
  user.passwordHash = await hashSecret(props.password);
  user.passwordChangedAt = new Date();
  await user.save({ transaction: t });
  const unlocked = await unlockAccount(t, user, { reason: "password_reset", ...props.meta });
  await rewrapUserKeys(t, user, props.password, null);
  await revokeAllSessions(t, user.id);
  const tokensRevoked = await revokeAllApiTokens(t, user.id);
  if (tokensRevoked > 0) {
    await recordAudit(t, {
      type: "token.revoked_all",
      organisationId: user.organisationId,
      userId: user.id,
      ...props.meta,
      data: { count: tokensRevoked, reason: "password_reset" },
    });
  }
  if (method === "backup_code") {
    await recordAudit(t, {
      type: "backup_code.used",
      organisationId: user.organisationId,
      userId: user.id,
      ...props.meta,
      data: { for: "password_reset" },
    });
  }
  await recordAudit(t, {
    type: "password.reset",
    organisationId: user.organisationId,
    userId: user.id,
    ...props.meta,
    data: { method, unlocked },
  });
  await enqueueEmail(t, {
    to: user.email,
    template: "password-reset",
    locale: user.locale,
    vars: { name: user.name ?? "", at: formatTime(new Date(), user.locale), method, unlocked },
  });
  return { kind: "done", method, unlocked };
}
