import crypto from "node:crypto";
import { QueryTypes, type Transaction } from "sequelize";
import { AuditEvent } from "../../models/AuditEvent.js";
import { db, dialect } from "../../db.js";

export interface AuditProps {
  type: string;
  organisationId?: string | null;
  userId?: string | null;
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Never secrets, codes or message content (S6). */
  data?: Record<string, unknown>;
}

export interface HashedFields {
  type: string;
  organisationId: string | null;
  userId: string | null;
  actorId: string | null;
  /** When present, the hash covers these recorded ids instead of the three columns above. */
  refs?: string | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** The ids of an event as recorded: `org|user|actor`, empty where absent. */
export function auditRefs(e: { organisationId: string | null; userId: string | null; actorId: string | null }): string {
  return [e.organisationId ?? "", e.userId ?? "", e.actorId ?? ""].join("|");
}

/**
 * The hash of an event: SHA-256 over the previous hash and the event's fields, in a fixed order.
 * Events with `refs` hash the recorded ids (which survive the ON DELETE SET NULL of the
 * foreign-key columns when a user or organisation is deleted); older events hash the columns.
 */
export function auditHash(prevHash: string | null, e: HashedFields): string {
  const ids = e.refs != null ? ["refs:v1", e.refs] : [e.organisationId ?? "", e.userId ?? "", e.actorId ?? ""];
  const canonical = JSON.stringify([
    prevHash ?? "",
    e.type,
    ...ids,
    e.ip ?? "",
    e.userAgent ?? "",
    e.data,
    e.createdAt.toISOString(),
  ]);
  return crypto.createHash("sha256").update(canonical).digest("hex");
}

/**
 * Appends an event to the audit log inside `t`, chained to the previous event (one global
 * chain). The chain head row is locked by primary key first (FOR UPDATE on MySQL; SQLite
 * serialises writers anyway), so appends happen one at a time in commit order and ids follow
 * the chain.
 */
export async function recordAudit(t: Transaction, props: AuditProps): Promise<AuditEvent> {
  const forUpdate = dialect() === "sqlite" ? "" : " FOR UPDATE";
  const [head] = await db().query<{ hash: string | null }>(
    `SELECT hash FROM audit_chain_head WHERE id = 1${forUpdate}`,
    {
      type: QueryTypes.SELECT,
      transaction: t,
    },
  );
  const createdAt = new Date();
  const fields = {
    type: props.type,
    organisationId: props.organisationId ?? null,
    userId: props.userId ?? null,
    actorId: props.actorId ?? null,
    ip: props.ip?.slice(0, 64) ?? null,
    userAgent: props.userAgent?.slice(0, 300) ?? null,
    data: props.data ?? {},
    createdAt,
  };
  const recorded = { ...fields, refs: auditRefs(fields) };
  const prevHash = head?.hash ?? null;
  const hash = auditHash(prevHash, recorded);
  const event = await AuditEvent.create({ ...recorded, prevHash, hash }, { transaction: t });
  await db().query("UPDATE audit_chain_head SET hash = ?, updated_at = ? WHERE id = 1", {
    replacements: [hash, createdAt],
    transaction: t,
  });
  return event;
}

/** The hash of the newest event as the chain head records it. */
export async function auditChainHeadHash(): Promise<string | null> {
  const [head] = await db().query<{ hash: string | null }>("SELECT hash FROM audit_chain_head WHERE id = 1", {
    type: QueryTypes.SELECT,
  });
  return head?.hash ?? null;
}
