import { Op, type WhereOptions } from "sequelize";
import { Invitation } from "../../models/Invitation.js";
import { User } from "../../models/User.js";
import { clock } from "../clock.js";
import type { InvitationStatus } from "./invitationLink.js";

export interface InvitationRow {
  invitation: Invitation;
  invitedBy: User | null;
}

/** Where a page starts: after the invitation with this creation time and id (newest first). */
export interface InvitationCursor {
  createdAt: Date;
  id: string;
}

export interface InvitationQuery {
  status?: InvitationStatus;
  after?: InvitationCursor;
  limit: number;
}

export interface InvitationPage {
  rows: InvitationRow[];
  /** The cursor of the page after this one; null on the last page. */
  next: InvitationCursor | null;
  /** How many invitations match the status filter, on every page. */
  total: number;
}

/** The cursor as the API passes it: the creation time (ISO, milliseconds) and the id. */
export function formatInvitationCursor(cursor: InvitationCursor): string {
  return `${cursor.createdAt.toISOString()}_${cursor.id}`;
}

export const invitationCursorPattern =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The cursor from its API form; null when it is not one (or names an impossible time). */
export function parseInvitationCursor(text: string): InvitationCursor | null {
  const m = invitationCursorPattern.exec(text);
  if (!m) return null;
  const createdAt = new Date(m[1]);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== m[1]) return null;
  return { createdAt, id: m[2] };
}

function statusWhere(status: InvitationStatus | undefined, now: Date): WhereOptions<Invitation> {
  if (status === "expired") return { status: "pending", tokenExpiresAt: { [Op.lte]: now } };
  if (status === "pending") return { status: "pending", tokenExpiresAt: { [Op.gt]: now } };
  return status ? { status } : {};
}

/**
 * A page of an organisation's invitations, newest first, optionally of one status (`expired`:
 * pending past its time; `pending`: still open). Keyset-paged on (created_at, id) — the index
 * invitations_org_created — so a deep page costs what the first does; invitations made in the
 * same millisecond (a CSV import) are told apart by id.
 */
export async function listInvitations(organisationId: string, query: InvitationQuery): Promise<InvitationPage> {
  const now = clock.now();
  const filter: WhereOptions<Invitation> = { organisationId, ...statusWhere(query.status, now) };
  const after = query.after;
  const where: WhereOptions<Invitation> = after
    ? {
        [Op.and]: [
          filter,
          {
            [Op.or]: [
              { createdAt: { [Op.lt]: after.createdAt } },
              { createdAt: after.createdAt, id: { [Op.lt]: after.id } },
            ],
          },
        ],
      }
    : filter;
  const [found, total] = await Promise.all([
    Invitation.findAll({
      where,
      order: [
        ["createdAt", "DESC"],
        ["id", "DESC"],
      ],
      limit: query.limit + 1,
    }),
    Invitation.count({ where: filter }),
  ]);
  const invitations = found.slice(0, query.limit);
  const inviterIds = [...new Set(invitations.map((i) => i.invitedById).filter((id): id is string => !!id))];
  const inviters = inviterIds.length
    ? await User.findAll({ where: { id: inviterIds, organisationId }, attributes: ["id", "name", "email"] })
    : [];
  const byId = new Map(inviters.map((u) => [u.id, u]));
  const last = invitations[invitations.length - 1];
  return {
    rows: invitations.map((invitation) => ({
      invitation,
      invitedBy: invitation.invitedById ? (byId.get(invitation.invitedById) ?? null) : null,
    })),
    next: found.length > query.limit ? { createdAt: last.createdAt, id: last.id } : null,
    total,
  };
}
