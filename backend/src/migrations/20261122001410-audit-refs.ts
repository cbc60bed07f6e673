import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * audit_events.refs: the event's organisation, user and actor ids as recorded, outside the
 * foreign keys. The hash chain covers this copy, so deleting a user or an organisation (which
 * sets the foreign-key columns to NULL) no longer looks like tampering.
 */
export const auditRefs: Migration = {
  name: "20261122001410-audit-refs",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("audit_events", "refs", col.string(120, true));
  },
  async down({ context: q }) {
    await q.removeColumn("audit_events", "refs");
  },
};
