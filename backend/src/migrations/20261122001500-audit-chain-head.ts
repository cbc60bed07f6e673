import { QueryTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * The head of the audit chain: one row holding the hash of the newest event. Appending locks
 * this row by primary key first, so concurrent appends serialise without gap locks (which
 * deadlocked on MySQL), and the chain check can tell whether the newest events were removed.
 */
export const auditChainHead: Migration = {
  name: "20261122001500-audit-chain-head",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("audit_chain_head", {
      id: { type: col.int().type, primaryKey: true, allowNull: false },
      hash: col.string(64, true),
      updated_at: col.date(false),
    });
    const [last] = await q.sequelize.query<{ hash: string }>("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1", {
      type: QueryTypes.SELECT,
    });
    await q.bulkInsert("audit_chain_head", [{ id: 1, hash: last?.hash ?? null, updated_at: new Date() }]);
  },
  async down({ context: q }) {
    await q.dropTable("audit_chain_head");
  },
};
