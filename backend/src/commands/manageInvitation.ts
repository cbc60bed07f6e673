import type { Transaction } from "sequelize";
import { Invitation } from "../models/Invitation.js";
import { Organisation } from "../models/Organisation.js";
import type { User } from "../models/User.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { invitationStatusOf, newInvitationToken, sendInvitationEmail } from "../services/invitations/invitationLink.js";

export type ManageInvitationResult =
  { kind: "done"; invitation: Invitation } | { kind: "not_found" } | { kind: "closed" };

interface ManageProps {
  admin: User;
  organisationId: string;
  invitationId: string;
  meta: { ip: string | null; userAgent: string | null };
}

async function load(t: Transaction, props: ManageProps): Promise<Invitation | null> {
  const invitation = await Invitation.findByPk(props.invitationId, { transaction: t, lock: t.LOCK.UPDATE });
  // Another organisation's invitation is answered as not found (its id reveals nothing).
  return invitation && invitation.organisationId === props.organisationId ? invitation : null;
}

/**
 * Resend (F23): a pending or expired invitation gets a fresh token and a new period; the old
 * link stops working at once, as do a code check in progress and its wrong-code count.
 */
export async function resendInvitation(t: Transaction, props: ManageProps): Promise<ManageInvitationResult> {
  const invitation = await load(t, props);
  if (!invitation) return { kind: "not_found" };
  if (!["pending", "expired"].includes(invitationStatusOf(invitation))) return { kind: "closed" };
  const organisation = await Organisation.findByPk(invitation.organisationId, { transaction: t });
  const { token, hash, expiresAt } = newInvitationToken();
  await invitation.update(
    {
      tokenHash: hash,
      tokenExpiresAt: expiresAt,
      verifiedAt: null,
      verifySecretHash: null,
      verifyExpiresAt: null,
      codeFailures: 0,
      invitedById: props.admin.id,
    },
    { transaction: t },
  );
  await sendInvitationEmail(t, invitation, token, organisation!, props.admin.name);
  await recordAudit(t, {
    type: "invitation.resent",
    organisationId: invitation.organisationId,
    userId: invitation.userId,
    actorId: props.admin.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { invitationId: invitation.id },
  });
  return { kind: "done", invitation };
}

/** Revoke (F23): a pending or expired invitation is withdrawn; its link is refused from now on. */
export async function revokeInvitation(t: Transaction, props: ManageProps): Promise<ManageInvitationResult> {
  const invitation = await load(t, props);
  if (!invitation) return { kind: "not_found" };
  if (!["pending", "expired"].includes(invitationStatusOf(invitation))) return { kind: "closed" };
  await invitation.update({ status: "revoked", verifySecretHash: null, verifyExpiresAt: null }, { transaction: t });
  await recordAudit(t, {
    type: "invitation.revoked",
    organisationId: invitation.organisationId,
    userId: invitation.userId,
    actorId: props.admin.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { invitationId: invitation.id },
  });
  return { kind: "done", invitation };
}
