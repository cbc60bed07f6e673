import type { Transaction } from "sequelize";
import { Invitation } from "../../models/Invitation.js";
import type { Organisation } from "../../models/Organisation.js";
import { User } from "../../models/User.js";
import { clock } from "../clock.js";
import { recordAudit } from "../audit/recordAudit.js";
import { InvitationUsedError } from "./invitationLink.js";

/**
 * The accepted invitation's person joins the organisation: the user row takes the role, plan
 * and the verified mobile number and becomes active (with `extra`, e.g. the password hash);
 * the invitation is accepted (single use: a conditional update). A free recipient account
 * keeps its id, keys and messages.
 */
export async function joinOrganisation(
  t: Transaction,
  invitation: Invitation,
  user: User,
  organisation: Organisation,
  extra: Partial<Pick<User, "passwordHash" | "passwordChangedAt">>,
  meta: { ip: string | null; userAgent: string | null },
): Promise<void> {
  const now = clock.now();
  const [claimed] = await Invitation.update(
    { status: "accepted", respondedAt: now, verifySecretHash: null, verifyExpiresAt: null },
    { where: { id: invitation.id, status: "pending" }, transaction: t },
  );
  if (claimed !== 1) throw InvitationUsedError();
  await User.update(
    {
      organisationId: organisation.id,
      role: invitation.role,
      plan: organisation.plan === "basic" ? "basic" : "professional",
      mobile: invitation.mobile,
      status: "active",
      ...extra,
    },
    { where: { id: user.id }, transaction: t },
  );
  await user.reload({ transaction: t });
  await recordAudit(t, {
    type: "invitation.accepted",
    organisationId: organisation.id,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { invitationId: invitation.id, role: invitation.role, existingAccount: invitation.existingAccount },
  });
}
