import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Second factors and account settings (issue 3, SECOND-FACTOR): SMS/verification codes,
 * one-time backup codes, phones, per-user TOTP state and per-user settings. TOTP state and
 * settings live in their own 1:1 tables so the users table stays owned by the auth core.
 */
export const secondFactor: Migration = {
  name: "20261122000500-second-factor",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("verification_codes", {
      id: col.id(),
      user_id: col.ref("users"),
      purpose: col.string(64),
      target: col.string(32, true),
      code_hash: col.string(64),
      attempts: col.int(),
      expires_at: col.date(false),
      used_at: col.date(),
      ...col.timestamps(),
    });
    await q.addIndex("verification_codes", ["user_id", "purpose"], { name: "verification_codes_user_purpose" });

    await q.createTable("backup_codes", {
      id: col.id(),
      user_id: col.ref("users"),
      code_hash: col.string(255),
      used_at: col.date(),
      ...col.timestamps(),
    });
    await q.addIndex("backup_codes", ["user_id"], { name: "backup_codes_user" });

    await q.createTable("phones", {
      id: col.id(),
      user_id: col.ref("users"),
      e164: col.string(32),
      country_code: col.string(2),
      name: col.string(100),
      verified_at: col.date(),
      is_primary: col.bool(),
      ...col.timestamps(),
    });
    await q.addIndex("phones", ["user_id", "e164"], { unique: true, name: "phones_user_e164_unique" });

    await q.createTable("user_totp", {
      user_id: { ...col.ref("users"), primaryKey: true },
      secret_sealed: col.text(),
      pending_secret_sealed: col.text(),
      enabled: col.bool(),
      enabled_at: col.date(),
      last_step: { type: DataTypes.BIGINT, allowNull: true },
      ...col.timestamps(),
    });

    await q.createTable("user_settings", {
      user_id: { ...col.ref("users"), primaryKey: true },
      neutral_notifications: col.bool(),
      signature: col.text(),
      auto_reply_enabled: col.bool(),
      auto_reply_text: col.text(),
      auto_reply_from: col.date(),
      auto_reply_to: col.date(),
      ...col.timestamps(),
    });
  },
  async down({ context: q }) {
    await q.dropTable("user_settings");
    await q.dropTable("user_totp");
    await q.dropTable("phones");
    await q.dropTable("backup_codes");
    await q.dropTable("verification_codes");
  },
};
