import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { disableTotp } from "../services/totp.js";
import { deleteBackupCodes } from "../services/backupCodes.js";
import { revokeSmsCodes } from "../services/smsCodes.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/**
 * Operator/admin reset (F24, CLI `user:reset-2fa`): turns the authenticator off, deletes the
 * one-time codes and voids live SMS codes. Phones stay. The user signs in with the password
 * only until they turn 2FA on again.
 */
export async function resetSecondFactor(
  t: Transaction,
  user: User,
  props: { reason: "operator" | "admin"; actorId?: string | null },
): Promise<{ totpWasEnabled: boolean }> {
  const totpWasEnabled = await disableTotp(t, user.id);
  await deleteBackupCodes(t, user.id);
  await revokeSmsCodes(t, user.id);
  await recordAudit(t, {
    type: "2fa.reset",
    organisationId: user.organisationId,
    userId: user.id,
    actorId: props.actorId ?? null,
    data: { reason: props.reason, totpWasEnabled },
  });
  return { totpWasEnabled };
}
