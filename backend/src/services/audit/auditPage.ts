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

/**
 * Whose events: a user's own, or an organisation's — optionally narrowed to one person (events
 * about them or done by them), one event type and a period [from, to).
 */
export type AuditScope =
  { userId: string } | { organisationId: string; userId?: string; type?: string; from?: Date; to?: Date };

/** The WHERE of a scope (also used by the admin console's CSV export). */
export function auditScopeWhere(scope: AuditScope): WhereOptions<AuditEvent> {
  if (!("organisationId" in scope)) return { userId: scope.userId };
  const and: WhereOptions<AuditEvent>[] = [{ organisationId: scope.organisationId }];
  if (scope.userId) and.push({ [Op.or]: [{ userId: scope.userId }, { actorId: scope.userId }] });
  if (scope.type) and.push({ type: scope.type });
  if (scope.from) and.push({ createdAt: { [Op.gte]: scope.from } });
  if (scope.to) and.push({ createdAt: { [Op.lt]: scope.to } });
  return { [Op.and]: and };
}

/** A page of audit events, newest first, keyset-paginated by id. */
export async function auditPage(scope: AuditScope, query: AuditPageQuery): Promise<AuditPage> {
  const where = auditScopeWhere(scope);
  const rows = await AuditEvent.findAll({
    where: query.before ? { [Op.and]: [where, { id: { [Op.lt]: query.before } }] } : where,
    order: [["id", "DESC"]],
    limit: query.limit + 1,
  });
  const events = rows.slice(0, query.limit);
  return { events, nextBefore: rows.length > query.limit ? events[events.length - 1].id : null };
}
