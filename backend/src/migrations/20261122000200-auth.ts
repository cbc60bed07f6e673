import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Auth core (issue 3): server-side sessions, API tokens, the shared rate-limit buckets, and the
 * user columns for lockout and password age.
 */
export const auth: Migration = {
  name: "20261122000200-auth",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("sessions", {
      id: col.id(),
      user_id: col.ref("users"),
      /** SHA-256 of the secret half of the cookie; the secret itself is never stored. */
      secret_hash: col.string(64),
      stage: col.string(16),
      ip: col.string(64, true),
      user_agent: col.string(300, true),
      /** The user's private key sealed under a key derived from the cookie secret (KEYS). */
      private_key_sealed: col.text(),
      last_seen_at: col.date(false),
      expires_at: col.date(false),
      ...col.timestamps(),
    });
    await q.addIndex("sessions", ["user_id"], { name: "sessions_user" });

    await q.createTable("api_tokens", {
      id: col.id(),
      user_id: col.ref("users"),
      label: col.string(100),
      secret_hash: col.string(64),
      last_used_at: col.date(),
      revoked_at: col.date(),
      ...col.timestamps(),
    });
    await q.addIndex("api_tokens", ["user_id"], { name: "api_tokens_user" });

    await q.createTable("rate_limit_buckets", {
      bucket_key: { ...col.string(191), primaryKey: true },
      points: col.int(),
      expires_at: col.date(false),
    });
    await q.addIndex("rate_limit_buckets", ["expires_at"], { name: "rate_limit_buckets_expires" });

    await q.addColumn("users", "failed_login_count", col.int());
    await q.addColumn("users", "lock_count", col.int());
    await q.addColumn("users", "locked_at", col.date());
    await q.addColumn("users", "lock_until", col.date());
    await q.addColumn("users", "password_changed_at", col.date());
  },
  async down({ context: q }) {
    for (const c of ["password_changed_at", "lock_until", "locked_at", "lock_count", "failed_login_count"]) {
      await q.removeColumn("users", c);
    }
    await q.dropTable("rate_limit_buckets");
    await q.dropTable("api_tokens");
    await q.dropTable("sessions");
  },
};
