import type { Transaction } from "sequelize";
import { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { issueSmsCode } from "../services/smsCodes.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface RequestPasswordResetProps {
  /** Normalised. */
  email: string;
  meta: RequestMeta;
}

/**
 * Forgot password: sends a `password_reset` SMS code to the account's mobile and records
 * `password_reset.requested` when an active account with a mobile has this address. Says
 * nothing either way, so the caller's answer cannot reveal whether the account exists.
 */
export async function requestPasswordReset(t: Transaction, props: RequestPasswordResetProps): Promise<void> {
  const user = await User.findOne({ where: { email: props.email }, transaction: t });
  if (!user || user.status !== "active" || !user.mobile) return;
  await issueSmsCode(t, user, "password_reset");
  await recordAudit(t, {
    type: "password_reset.requested",
    organisationId: user.organisationId,
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
  });
}
