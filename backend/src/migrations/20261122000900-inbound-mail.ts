import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

const outboxRef = {
  type: DataTypes.BIGINT,
  allowNull: true,
  references: { model: "outbox_entries", key: "id" },
  onDelete: "SET NULL",
};

export const inboundMail: Migration = {
  name: "20261122000900-inbound-mail",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("inbound_mail", {
      id: col.serial(),
      received_at: col.date(false),
      via: col.string(8),
      classification: col.string(16),
      reason: col.string(40),
      inbound_message_id: col.string(250, true),
      sender_hash: col.string(64, true),
      sender_domain: col.string(255, true),
      outbox_entry_id: outboxRef,
      reference: col.string(100, true),
      status_code: col.string(16, true),
      action: col.string(16, true),
      answer_key: col.string(64, true),
      answer_outbox_entry_id: outboxRef,
      created_at: col.date(false),
    });
    await q.addIndex("inbound_mail", ["inbound_message_id"], { name: "inbound_mail_message_id" });
    await q.addIndex("inbound_mail", ["sender_hash", "received_at"], { name: "inbound_mail_sender" });
    await q.addIndex("inbound_mail", ["outbox_entry_id"], { name: "inbound_mail_outbox_entry" });
    await q.addIndex("inbound_mail", ["answer_key"], { unique: true, name: "inbound_mail_answer_key" });
  },
  async down({ context: q }) {
    await q.dropTable("inbound_mail");
  },
};
