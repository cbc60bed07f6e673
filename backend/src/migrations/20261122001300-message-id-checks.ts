import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * ID check (F4): a recipient opens an ID-checked message only in a session that has passed an
 * SMS code for it. One row per (session, message); sessions and messages take their rows along.
 */
export const messageIdChecks: Migration = {
  name: "20261122001300-message-id-checks",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("message_id_checks", {
      id: col.serial(),
      session_id: col.ref("sessions"),
      message_id: col.ref("messages"),
      created_at: col.date(false),
    });
    await q.addIndex("message_id_checks", ["session_id", "message_id"], {
      unique: true,
      name: "message_id_checks_pass",
    });
    await q.addIndex("message_id_checks", ["message_id"], { name: "message_id_checks_message" });
  },
  async down({ context: q }) {
    await q.dropTable("message_id_checks");
  },
};
