import type { Transaction } from "sequelize";
import { Op } from "sequelize";
import { Organisation } from "../models/Organisation.js";
import { appError } from "../errors.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/**
 * Connects an organisation to its Microsoft Entra ID tenant (directory id, a GUID), so its
 * staff can sign in to the add-in with Microsoft; null disconnects. A tenant belongs to at
 * most one organisation. `trustMfa` (when given) sets whether Entra MFA stands in for the Kuvert
 * second factor (policy `entraMfaSatisfiesSecondFactor`, see commands/signInWithMicrosoft.ts).
 */
export async function connectEntraTenant(
  t: Transaction,
  organisation: Organisation,
  tenantId: string | null,
  actorId: string | null = null,
  trustMfa?: boolean,
): Promise<Organisation> {
  const tid = tenantId?.toLowerCase() ?? null;
  if (tid) {
    const other = await Organisation.findOne({
      where: { entraTenantId: tid, id: { [Op.ne]: organisation.id } },
      transaction: t,
    });
    if (other)
      throw appError("entra_tenant_taken", "That Microsoft tenant is already connected to another organisation");
  }
  const previous = organisation.entraTenantId ?? null;
  organisation.entraTenantId = tid;
  if (trustMfa !== undefined) organisation.policy = { ...organisation.policy, entraMfaSatisfiesSecondFactor: trustMfa };
  await organisation.save({ transaction: t });
  await recordAudit(t, {
    type: tid ? "organisation.microsoft_connected" : "organisation.microsoft_disconnected",
    organisationId: organisation.id,
    actorId,
    data: {
      tenantId: tid,
      previousTenantId: previous,
      ...(trustMfa === undefined ? {} : { entraMfaSatisfiesSecondFactor: trustMfa }),
    },
  });
  return organisation;
}
