import { Op } from "sequelize";
import { Invitation } from "../../models/Invitation.js";
import { User } from "../../models/User.js";
import { clock } from "../clock.js";
import type { InvitationStatus } from "./invitationLink.js";

export interface InvitationRow {
  invitation: Invitation;
  invitedBy: User | null;
}

/**
 * An organisation's invitations, newest first, optionally of one status (`expired`: pending
 * past its time; `pending`: still open). At most `limit` rows.
 */
export async function listInvitations(
  organisationId: string,
  query: { status?: InvitationStatus; limit: number },
): Promise<InvitationRow[]> {
  const now = clock.now();
  const statusWhere =
    query.status === "expired"
      ? { status: "pending", tokenExpiresAt: { [Op.lte]: now } }
      : query.status === "pending"
        ? { status: "pending", tokenExpiresAt: { [Op.gt]: now } }
        : query.status
          ? { status: query.status }
          : {};
  const invitations = await Invitation.findAll({
    where: { organisationId, ...statusWhere },
    order: [
      ["createdAt", "DESC"],
      ["id", "DESC"],
    ],
    limit: query.limit,
  });
  const inviterIds = [...new Set(invitations.map((i) => i.invitedById).filter((id): id is string => !!id))];
  const inviters = inviterIds.length
    ? await User.findAll({ where: { id: inviterIds, organisationId }, attributes: ["id", "name", "email"] })
    : [];
  const byId = new Map(inviters.map((u) => [u.id, u]));
  return invitations.map((invitation) => ({
    invitation,
    invitedBy: invitation.invitedById ? (byId.get(invitation.invitedById) ?? null) : null,
  }));
}
