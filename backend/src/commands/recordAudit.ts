import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { AuditEvent } from "../models/AuditEvent.js";
import { db } from "../db.js";

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

/** The hash of an event: SHA-256 over the previous hash and the event's fields, in a fixed order. */
export function auditHash(prevHash: string | null, e: { type: string; organisationId: string | null; userId: string | null; actorId: string | null; ip: string | null; userAgent: string | null; data: Record<string, unknown>; createdAt: Date }): string {
  const canonical = JSON.stringify([
    prevHash ?? "",
    e.type,
    e.organisationId ?? "",
    e.userId ?? "",
    e.actorId ?? "",
    e.ip ?? "",
    e.userAgent ?? "",
    e.data,
    e.createdAt.toISOString(),
  ]);
  return crypto.createHash("sha256").update(canonical).digest("hex");
}

/**
 * Appends an event to the audit log, chained to the previous event (one global chain), inside
 * `t`. On MySQL the previous row is read FOR UPDATE so concurrent appends serialise.
 */
export async function recordAudit(t: Transaction, props: AuditProps): Promise<AuditEvent> {
  const prev = await AuditEvent.findOne({
    order: [["id", "DESC"]],
    transaction: t,
    lock: db().getDialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
  });
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
  const prevHash = prev?.hash ?? null;
  return AuditEvent.create({ ...fields, prevHash, hash: auditHash(prevHash, fields) }, { transaction: t });
}
