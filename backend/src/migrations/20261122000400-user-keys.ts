import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/** Per-user key pair columns (services/keys/userKeys.ts). */
export const userKeys: Migration = {
  name: "20261122000400-user-keys",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("users", "public_key", col.text());
    await q.addColumn("users", "private_key_password", col.text());
    await q.addColumn("users", "private_key_escrow", col.text());
    await q.addColumn("users", "key_created_at", col.date());
  },
  async down({ context: q }) {
    await q.removeColumn("users", "key_created_at");
    await q.removeColumn("users", "private_key_escrow");
    await q.removeColumn("users", "private_key_password");
    await q.removeColumn("users", "public_key");
  },
};
