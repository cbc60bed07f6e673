import { Op } from "sequelize";
import { AuditEvent } from "../models/AuditEvent.js";
import { auditHash } from "../commands/recordAudit.js";

export type AuditChainResult = { ok: true; checked: number } | { ok: false; checked: number; brokenAt: number; reason: "hash_mismatch" | "broken_link" };

/**
 * Walks the whole audit chain in id order, recomputing each event's hash from its fields and
 * the previous event's hash. Any edited, deleted or re-ordered row breaks it. Reads in pages so
 * memory stays flat.
 */
export async function verifyAuditChain(pageSize = 500): Promise<AuditChainResult> {
  let prevHash: string | null = null;
  let lastId = 0;
  let checked = 0;
  let first = true;
  for (;;) {
    const rows: AuditEvent[] = await AuditEvent.findAll({ where: { id: { [Op.gt]: lastId } }, order: [["id", "ASC"]], limit: pageSize });
    if (rows.length === 0) return { ok: true, checked };
    for (const e of rows) {
      const id = Number(e.id);
      // The chain starts with a null link, so deleting its first rows is detected too.
      if (e.prevHash !== (first ? null : prevHash)) return { ok: false, checked, brokenAt: id, reason: "broken_link" };
      const expected = auditHash(e.prevHash, {
        type: e.type,
        organisationId: e.organisationId,
        userId: e.userId,
        actorId: e.actorId,
        ip: e.ip,
        userAgent: e.userAgent,
        data: e.data,
        createdAt: e.createdAt,
      });
      if (expected !== e.hash) return { ok: false, checked, brokenAt: id, reason: "hash_mismatch" };
      prevHash = e.hash;
      lastId = id;
      checked += 1;
      first = false;
    }
  }
}
