import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

export const foundation: Migration = {
  name: "20261122000100-foundation",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("organisations", {
      id: col.id(),
      name: col.string(200),
      slug: col.string(100),
      region: col.string(16),
      plan: col.string(32),
      policy: col.text(),
      ...col.timestamps(),
    });
    await q.addIndex("organisations", ["slug"], { unique: true, name: "organisations_slug_unique" });

    await q.createTable("users", {
      id: col.id(),
      organisation_id: col.ref("organisations", "CASCADE", true),
      email: col.string(320),
      name: col.string(200, true),
      mobile: col.string(32, true),
      role: col.string(16),
      status: col.string(16),
      plan: col.string(32),
      locale: col.string(8),
      password_hash: col.string(255, true),
      ...col.timestamps(),
    });
    await q.addIndex("users", ["email"], { unique: true, name: "users_email_unique" });
    await q.addIndex("users", ["organisation_id"], { name: "users_organisation_id" });

    await q.createTable("outbox_entries", {
      id: col.serial(),
      channel: col.string(8),
      status: col.string(16),
      payload: col.text(),
      attempts: col.int(),
      next_attempt_at: col.date(false),
      lease_until: col.date(),
      claimed_by: col.string(64, true),
      last_error: col.string(500, true),
      sent_at: col.date(),
      provider_id: col.string(200, true),
      message_id: col.string(250, true),
      reference: col.string(100, true),
      ...col.timestamps(),
    });
    await q.addIndex("outbox_entries", ["status", "next_attempt_at"], { name: "outbox_due" });
    await q.addIndex("outbox_entries", ["message_id"], { name: "outbox_message_id" });

    await q.createTable("audit_events", {
      id: col.serial(),
      organisation_id: col.ref("organisations", "SET NULL", true),
      user_id: col.ref("users", "SET NULL", true),
      actor_id: col.ref("users", "SET NULL", true),
      type: col.string(64),
      ip: col.string(64, true),
      user_agent: col.string(300, true),
      data: col.text(),
      prev_hash: col.string(64, true),
      hash: col.string(64),
      created_at: col.date(false),
    });
    await q.addIndex("audit_events", ["user_id", "id"], { name: "audit_events_user" });
    await q.addIndex("audit_events", ["organisation_id", "id"], { name: "audit_events_org" });
  },
  async down({ context: q }) {
    await q.dropTable("audit_events");
    await q.dropTable("outbox_entries");
    await q.dropTable("users");
    await q.dropTable("organisations");
  },
};
