import type { Transaction } from "sequelize";
import type { Organisation } from "../models/Organisation.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { dropOrganisationEscrow } from "../services/keys/userKeys.js";
import { dropMailboxEscrow } from "../services/keys/mailboxKeys.js";
import { SharedMailbox } from "../models/SharedMailbox.js";

export interface SetZeroAccessResult {
  zeroAccess: boolean;
  /** Escrow copies of staff keys deleted now (switching on only). */
  escrowCopiesDropped: number;
  /** Members whose escrow copy is their only copy and stays (see dropOrganisationEscrow). */
  escrowCopiesKept: number;
}

/**
 * Switches an organisation's zero-access policy. Switching it on is retroactive: the escrow
 * copies of its staff's private keys are deleted in the same transaction (audited
 * `organisation.zero_access_enabled` with the counts), so from the commit on a password reset
 * gives a new key pair and older messages stay closed (docs/security.md, *Zero-access*).
 * Switching it off keeps what is there; escrow copies come back at each member's next
 * password change or reset.
 */
export async function setZeroAccess(
  t: Transaction,
  organisation: Organisation,
  enabled: boolean,
  actorId: string | null = null,
): Promise<SetZeroAccessResult> {
  const previous = organisation.policy.zeroAccess === true;
  organisation.policy = { ...organisation.policy, zeroAccess: enabled };
  organisation.changed("policy", true);
  await organisation.save({ transaction: t });
  const escrow = enabled ? await dropOrganisationEscrow(t, organisation.id) : { dropped: 0, kept: 0 };
  // Shared mailboxes' escrow copies go too: from now on only members' wraps open them (F25).
  const mailboxIds = enabled
    ? (
        await SharedMailbox.findAll({ where: { organisationId: organisation.id }, attributes: ["id"], transaction: t })
      ).map((m) => m.id)
    : [];
  const mailboxEscrowDropped = await dropMailboxEscrow(t, mailboxIds);
  await recordAudit(t, {
    type: enabled ? "organisation.zero_access_enabled" : "organisation.zero_access_disabled",
    organisationId: organisation.id,
    actorId,
    data: { previous, escrowCopiesDropped: escrow.dropped, escrowCopiesKept: escrow.kept, mailboxEscrowDropped },
  });
  return { zeroAccess: enabled, escrowCopiesDropped: escrow.dropped, escrowCopiesKept: escrow.kept };
}
