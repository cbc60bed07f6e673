import type { Transaction } from "sequelize";
import { recordAudit } from "../services/audit/recordAudit.js";
import { clock } from "../services/clock.js";
import { maskPhone } from "../services/phones.js";
import { issueSmsCode } from "../services/smsCodes.js";
import { findOpenInvitation, invitationCodePurpose } from "../services/invitations/invitationLink.js";

type Meta = { ip: string | null; userAgent: string | null };

/**
 * *No thanks* (F23): the invitation is declined (the admin sees it); an invited user row stays
 * unusable, a free recipient account stays as it was. The link is refused afterwards.
 */
export async function declineInvitation(t: Transaction, token: string, meta: Meta): Promise<void> {
  const { invitation } = await findOpenInvitation(token, t);
  await invitation.update(
    { status: "declined", respondedAt: clock.now(), verifySecretHash: null, verifyExpiresAt: null },
    { transaction: t },
  );
  await recordAudit(t, {
    type: "invitation.declined",
    organisationId: invitation.organisationId,
    userId: invitation.userId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { invitationId: invitation.id },
  });
}

/**
 * *Yes please* (F23): sends the SMS ID-check code to the mobile number the admin gave (calling
 * again resends and voids the earlier code; the route rate-limits). Returns the masked number.
 */
export async function acceptInvitation(t: Transaction, token: string, meta: Meta): Promise<{ mobile: string | null }> {
  const { invitation, user } = await findOpenInvitation(token, t);
  await issueSmsCode(t, user, invitationCodePurpose(invitation), invitation.mobile);
  await recordAudit(t, {
    type: "invitation.code_sent",
    organisationId: invitation.organisationId,
    userId: invitation.userId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { invitationId: invitation.id },
  });
  return { mobile: maskPhone(invitation.mobile) };
}
