import { Op, type WhereOptions } from "sequelize";
import { AuditEvent } from "../../models/AuditEvent.js";

export interface AuditPageQuery {
  /** Only events with an id below this one (the previous page's `nextBefore`). */
  before?: number;
  limit: number;
}

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[];
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: number | null;
}

/** Whose events: a user's own, or an organisation's (optionally one of its users). */
export type AuditScope = { userId: string } | { organisationId: string; userId?: string };

/** A page of audit events, newest first, keyset-paginated by id. */
export async function auditPage(scope: AuditScope, query: AuditPageQuery): Promise<AuditPage> {
  const where: WhereOptions<AuditEvent> =
    "organisationId" in scope
      ? { organisationId: scope.organisationId, ...(scope.userId ? { userId: scope.userId } : {}) }
      : { userId: scope.userId };
  const rows = await AuditEvent.findAll({
    where: query.before ? { ...where, id: { [Op.lt]: query.before } } : where,
    order: [["id", "DESC"]],
    limit: query.limit + 1,
  });
  const events = rows.slice(0, query.limit);
  return { events, nextBefore: rows.length > query.limit ? events[events.length - 1].id : null };
}
