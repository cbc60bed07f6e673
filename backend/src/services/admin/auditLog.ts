import { Op, col, fn } from "sequelize";
import { AuditEvent } from "../../models/AuditEvent.js";
import { User, normaliseEmail } from "../../models/User.js";
import { verifyAuditChain } from "../audit/auditChain.js";
import { auditScopeWhere, type AuditScope } from "../audit/auditPage.js";

export interface Person {
  id: string;
  name: string | null;
  email: string;
}

/** The people events name, by id (users deleted since are absent). */
export async function peopleByIds(ids: Array<string | null>): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await User.findAll({ where: { id: { [Op.in]: wanted } }, attributes: ["id", "name", "email"] });
  return new Map(rows.map((u) => [u.id, { id: u.id, name: u.name, email: u.email }]));
}

/** A member of the organisation by e-mail address, or null. */
export async function memberIdByEmail(organisationId: string, email: string): Promise<string | null> {
  const user = await User.findOne({
    where: { organisationId, email: normaliseEmail(email) },
    attributes: ["id"],
  });
  return user?.id ?? null;
}

/** The event types the organisation's log holds, for the filter. */
export async function auditTypesOf(organisationId: string): Promise<string[]> {
  const rows = (await AuditEvent.findAll({
    where: { organisationId },
    attributes: [[fn("DISTINCT", col("type")), "type"]],
    raw: true,
  })) as unknown as Array<{ type: string }>;
  return rows.map((r) => r.type).sort();
}

/** A CSV cell: quoted, and a leading formula character defused (CSV injection in spreadsheets). */
function cell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const auditCsvHeader = ["id", "time", "type", "person", "actor", "ip", "user_agent", "data"];

/**
 * The organisation's events in `scope` as CSV lines, newest first, read in pages of
 * `pageSize` by id so memory stays flat however long the log is.
 */
export async function* auditCsv(scope: AuditScope, pageSize = 500): AsyncGenerator<string> {
  yield auditCsvHeader.join(",") + "\r\n";
  const where = auditScopeWhere(scope);
  let before: number | null = null;
  for (;;) {
    const rows: AuditEvent[] = await AuditEvent.findAll({
      where: before ? { [Op.and]: [where, { id: { [Op.lt]: before } }] } : where,
      order: [["id", "DESC"]],
      limit: pageSize,
    });
    if (rows.length === 0) return;
    const people = await peopleByIds(rows.flatMap((r) => [r.userId, r.actorId]));
    let chunk = "";
    for (const e of rows) {
      const person = e.userId ? (people.get(e.userId)?.email ?? e.userId) : "";
      const actor = e.actorId ? (people.get(e.actorId)?.email ?? e.actorId) : "";
      chunk +=
        [e.id, e.createdAt.toISOString(), e.type, person, actor, e.ip, e.userAgent, e.data].map(cell).join(",") +
        "\r\n";
    }
    yield chunk;
    before = Number(rows[rows.length - 1].id);
  }
}

export interface ChainStatus {
  intact: boolean;
  checked: number;
  reason: "hash_mismatch" | "broken_link" | "newest_events_missing" | null;
  /** Where it breaks; type and time only when the event is the organisation's own. */
  brokenAt: { id: number; type: string | null; createdAt: string | null; inOrganisation: boolean } | null;
}

/**
 * The audit chain's verification as an admin may see it: the chain is one for the whole
 * service, so a break is reported with its event id, and with its type and time only when the
 * event belongs to the admin's organisation.
 */
export async function chainStatusFor(organisationId: string): Promise<ChainStatus> {
  const result = await verifyAuditChain();
  if (result.ok) return { intact: true, checked: result.checked, reason: null, brokenAt: null };
  const event = await AuditEvent.findByPk(result.brokenAt);
  const own = !!event && event.organisationId === organisationId;
  return {
    intact: false,
    checked: result.checked,
    reason: result.reason,
    brokenAt: {
      id: result.brokenAt,
      type: own ? event.type : null,
      createdAt: own ? event.createdAt.toISOString() : null,
      inOrganisation: own,
    },
  };
}
