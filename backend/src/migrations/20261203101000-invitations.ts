import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Invitations (F23, issue 10): an admin invites a person into the organisation. The token is
 * stored as its SHA-256 only; `verify_secret_hash` binds the steps after the SMS code to the
 * browser that entered it. Expiry is read from `token_expires_at` (the status stays pending).
 */
export const invitations: Migration = {
  name: "20261203101000-invitations",
  async up({ context: q }) {
    const c = columns(q);
    await q.createTable("invitations", {
      id: c.id(),
      organisation_id: c.ref("organisations"),
      user_id: c.ref("users"),
      invited_by_id: c.ref("users", "SET NULL", true),
      email: c.string(320),
      name: c.string(200, true),
      mobile: c.string(32),
      role: c.string(16),
      locale: c.string(8),
      existing_account: c.bool(),
      status: c.string(16),
      token_hash: c.string(64),
      token_expires_at: c.date(false),
      verified_at: c.date(),
      verify_secret_hash: c.string(64, true),
      verify_expires_at: c.date(),
      code_failures: c.int(),
      responded_at: c.date(),
      ...c.timestamps(),
    });
    await q.addIndex("invitations", ["token_hash"], { name: "invitations_token_hash", unique: true });
    await q.addIndex("invitations", ["organisation_id", "created_at"], { name: "invitations_org_created" });
    await q.addIndex("invitations", ["user_id"], { name: "invitations_user" });
  },
  async down({ context: q }) {
    await q.dropTable("invitations");
  },
};
