import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/** One row per (absent user, sender, absence period): an auto-reply goes out once per period (F14). */
export const autoReplies: Migration = {
  name: "20261122000800-auto-replies",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("auto_reply_log", {
      id: col.serial(),
      user_id: col.ref("users"),
      sender_id: col.ref("users"),
      period: col.string(64),
      message_id: col.ref("messages", "SET NULL", true),
      created_at: col.date(false),
    });
    await q.addIndex("auto_reply_log", ["user_id", "sender_id", "period"], { unique: true, name: "auto_reply_once" });
  },
  async down({ context: q }) {
    await q.dropTable("auto_reply_log");
  },
};
