import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Secure messaging: messages (content only as a JWE), one key envelope per reader, recipients
 * with delivery status and hashed link tokens, per-user mailbox entries and folders,
 * attachments (blobs hold the ciphertext), contacts.
 */
export const messaging: Migration = {
  name: "20261122000600-messaging",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("folders", {
      id: col.id(),
      user_id: col.ref("users"),
      name: col.string(100),
      ...col.timestamps(),
    });
    await q.addIndex("folders", ["user_id"], { name: "folders_user" });

    await q.createTable("messages", {
      id: col.id(),
      thread_id: { type: DataTypes.UUID, allowNull: false },
      parent_id: { type: DataTypes.UUID, allowNull: true },
      sender_id: col.ref("users", "SET NULL", true),
      organisation_id: col.ref("organisations", "SET NULL", true),
      state: col.string(16),
      format_version: col.int(1),
      content: col.text(),
      expires_at: col.date(),
      shredded_at: col.date(),
      id_check: col.bool(),
      burn_after_reading: col.bool(),
      eyes_only: col.bool(),
      read_receipt: col.bool(),
      notify: col.bool(true),
      hide_recipients: col.bool(),
      ...col.timestamps(),
    });
    await q.addIndex("messages", ["thread_id", "created_at"], { name: "messages_thread" });
    await q.addIndex("messages", ["sender_id", "created_at"], { name: "messages_sender" });
    await q.addIndex("messages", ["state", "expires_at"], { name: "messages_expiry" });

    await q.createTable("key_envelopes", {
      id: col.serial(),
      message_id: col.ref("messages"),
      user_id: col.ref("users"),
      jwe: col.text(false),
      created_at: col.date(false),
    });
    await q.addIndex("key_envelopes", ["message_id", "user_id"], { unique: true, name: "key_envelopes_reader" });
    await q.addIndex("key_envelopes", ["user_id"], { name: "key_envelopes_user" });

    await q.createTable("message_recipients", {
      id: col.id(),
      message_id: col.ref("messages"),
      user_id: col.ref("users"),
      status: col.string(16),
      mobile: col.string(32, true),
      token_hash: col.string(64, true),
      token_expires_at: col.date(),
      notified_at: col.date(),
      opened_at: col.date(),
      read_at: col.date(),
      revealed_at: col.date(),
      verified_at: col.date(),
      verify_secret_hash: col.string(64, true),
      verify_expires_at: col.date(),
      ...col.timestamps(),
    });
    await q.addIndex("message_recipients", ["message_id", "user_id"], {
      unique: true,
      name: "message_recipients_reader",
    });
    await q.addIndex("message_recipients", ["user_id"], { name: "message_recipients_user" });
    await q.addIndex("message_recipients", ["token_hash"], { unique: true, name: "message_recipients_token" });

    await q.createTable("mailbox_entries", {
      id: col.id(),
      user_id: col.ref("users"),
      message_id: col.ref("messages"),
      folder: col.string(16),
      folder_id: col.ref("folders", "SET NULL", true),
      previous_folder: col.string(16, true),
      unread: col.bool(true),
      deleted_at: col.date(),
      ...col.timestamps(),
    });
    await q.addIndex("mailbox_entries", ["user_id", "folder", "created_at"], { name: "mailbox_entries_folder" });
    await q.addIndex("mailbox_entries", ["message_id"], { name: "mailbox_entries_message" });

    await q.createTable("attachments", {
      id: col.id(),
      message_id: col.ref("messages"),
      position: col.int(),
      blob_key: col.string(200),
      ciphertext_size: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
      record_count: col.int(),
      ...col.timestamps(),
    });
    await q.addIndex("attachments", ["message_id", "position"], { name: "attachments_message" });

    await q.createTable("contacts", {
      id: col.id(),
      owner_id: col.ref("users"),
      email: col.string(320),
      name: col.string(200, true),
      mobile: col.string(32, true),
      verified: col.bool(),
      ...col.timestamps(),
    });
    await q.addIndex("contacts", ["owner_id", "email"], { unique: true, name: "contacts_owner_email" });
  },
  async down({ context: q }) {
    await q.dropTable("contacts");
    await q.dropTable("attachments");
    await q.dropTable("mailbox_entries");
    await q.dropTable("message_recipients");
    await q.dropTable("key_envelopes");
    await q.dropTable("messages");
    await q.dropTable("folders");
  },
};
