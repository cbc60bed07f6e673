import type { Transaction } from "sequelize";
import { env } from "../env.js";
import { User } from "../models/User.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { findOpenInvitation } from "../services/invitations/invitationLink.js";

/**
 * "Notify the sender" in an invitation (F23), as for a first-time recipient (reportWrongNumber):
 * the person says the SMS code went to a number that is not theirs. The report is audited and
 * the inviting admin gets an e-mail through the outbox (no number in it). The route limits it
 * to one report per invitation and day.
 */
export async function reportInvitationWrongNumber(
  t: Transaction,
  token: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<void> {
  const { invitation } = await findOpenInvitation(token, t);
  await recordAudit(t, {
    type: "invitation.wrong_number",
    organisationId: invitation.organisationId,
    userId: invitation.userId,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { invitationId: invitation.id },
  });
  const inviter = invitation.invitedById ? await User.findByPk(invitation.invitedById, { transaction: t }) : null;
  if (!inviter || inviter.status !== "active" || inviter.organisationId !== invitation.organisationId) return;
  await enqueueEmail(t, {
    to: inviter.email,
    template: "invitation-wrong-number",
    locale: inviter.locale,
    vars: { invitee: invitation.email, link: `${env().PUBLIC_URL}/admin/invitations` },
  });
}
