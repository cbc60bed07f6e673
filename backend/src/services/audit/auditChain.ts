import { Op } from "sequelize";
import { AuditEvent } from "../../models/AuditEvent.js";
import { auditChainHeadHash, auditHash, auditRefs } from "./recordAudit.js";

export type AuditChainResult =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number; reason: "hash_mismatch" | "broken_link" | "newest_events_missing" };

/**
 * The id columns must equal what was recorded, except that a column may have become NULL when
 * the user or organisation it named was deleted (ON DELETE SET NULL).
 */
function columnsMatchRefs(e: AuditEvent): boolean {
  const recorded = e.refs!.split("|");
  const now = auditRefs(e).split("|");
  return recorded.length === 3 && now.every((v, i) => v === recorded[i] || v === "");
}

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
    const rows: AuditEvent[] = await AuditEvent.findAll({
      where: { id: { [Op.gt]: lastId } },
      order: [["id", "ASC"]],
      limit: pageSize,
    });
    if (rows.length === 0) {
      // The head records the newest event's hash: removing the newest rows is detected too.
      const head = await auditChainHeadHash();
      if (head !== (first ? null : prevHash))
        return { ok: false, checked, brokenAt: lastId, reason: "newest_events_missing" };
      return { ok: true, checked };
    }
    for (const e of rows) {
      const id = Number(e.id);
      // The chain starts with a null link, so deleting its first rows is detected too.
      if (e.prevHash !== (first ? null : prevHash)) return { ok: false, checked, brokenAt: id, reason: "broken_link" };
      const expected = auditHash(e.prevHash, e);
      if (expected !== e.hash) return { ok: false, checked, brokenAt: id, reason: "hash_mismatch" };
      if (e.refs != null && !columnsMatchRefs(e)) return { ok: false, checked, brokenAt: id, reason: "hash_mismatch" };
      prevHash = e.hash;
      lastId = id;
      checked += 1;
      first = false;
    }
  }
}
