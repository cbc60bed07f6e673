import type { Transaction } from "sequelize";
import { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { deletionSteps } from "../services/account/deletionSteps.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { notifySecurityChange } from "./notifySecurityChange.js";

/**
 * Deletes the account for good (F21) after the caller checked password and second factor: runs
 * the deletion steps (sessions, factors, phones, settings, and messaging's shredding), deletes
 * the user row with its keys, and records `account.deleted` with the former user id kept only
 * as data (the event's user_id column would be nulled by the foreign key anyway).
 */
export async function deleteAccount(t: Transaction, user: User, meta: RequestMeta): Promise<void> {
  await notifySecurityChange(t, user, "account_deleted");
  for (const step of deletionSteps) await step.run(t, user);
  await User.destroy({ where: { id: user.id }, transaction: t });
  await recordAudit(t, {
    type: "account.deleted",
    organisationId: user.organisationId,
    userId: null,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { userId: user.id, role: user.role },
  });
}
