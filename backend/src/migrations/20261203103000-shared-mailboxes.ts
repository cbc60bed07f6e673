import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Shared (function) mailboxes (F25, issue 11). The mailbox's identity is a `users` row (role
 * `mailbox`, same id) so that delivery, key lookup and folders work as for a person; these tables
 * hold its members, its key versions, the private key wrapped per member and version, and who
 * read or answered what.
 */
export const sharedMailboxes: Migration = {
  name: "20261203103000-shared-mailboxes",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("shared_mailboxes", {
      id: { ...col.ref("users"), primaryKey: true },
      organisation_id: col.ref("organisations"),
      name: col.string(200),
      key_version: col.int(1),
      ...col.timestamps(),
    });
    await q.addIndex("shared_mailboxes", ["organisation_id"], { name: "shared_mailboxes_organisation" });

    await q.createTable("shared_mailbox_members", {
      id: col.id(),
      mailbox_id: col.ref("shared_mailboxes"),
      user_id: col.ref("users"),
      can_read: col.bool(true),
      can_send: col.bool(false),
      can_manage: col.bool(false),
      ...col.timestamps(),
    });
    await q.addIndex("shared_mailbox_members", ["mailbox_id", "user_id"], {
      name: "shared_mailbox_members_unique",
      unique: true,
    });
    await q.addIndex("shared_mailbox_members", ["user_id"], { name: "shared_mailbox_members_user" });

    await q.createTable("shared_mailbox_keys", {
      id: col.serial(),
      mailbox_id: col.ref("shared_mailboxes"),
      version: col.int(1),
      public_key: col.text(false),
      escrow: col.text(true),
      created_at: col.date(false),
    });
    await q.addIndex("shared_mailbox_keys", ["mailbox_id", "version"], {
      name: "shared_mailbox_keys_version",
      unique: true,
    });

    await q.createTable("shared_mailbox_key_wraps", {
      id: col.serial(),
      mailbox_id: col.ref("shared_mailboxes"),
      user_id: col.ref("users"),
      version: col.int(1),
      jwe: col.text(false),
      created_at: col.date(false),
    });
    await q.addIndex("shared_mailbox_key_wraps", ["mailbox_id", "user_id", "version"], {
      name: "shared_mailbox_key_wraps_unique",
      unique: true,
    });

    await q.createTable("shared_mailbox_events", {
      id: col.serial(),
      mailbox_id: col.ref("shared_mailboxes"),
      message_id: col.ref("messages"),
      user_id: col.ref("users", "SET NULL", true),
      action: col.string(16),
      created_at: col.date(false),
    });
    await q.addIndex("shared_mailbox_events", ["mailbox_id", "message_id"], { name: "shared_mailbox_events_message" });
  },
  async down({ context: q }) {
    await q.dropTable("shared_mailbox_events");
    await q.dropTable("shared_mailbox_key_wraps");
    await q.dropTable("shared_mailbox_keys");
    await q.dropTable("shared_mailbox_members");
    await q.dropTable("shared_mailboxes");
  },
};
