import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Microsoft sign-in binds a staff account to one Entra ID person: the tenant id (`tid`) and the
 * user's immutable object id (`oid`) from the first accepted access token. Later sign-ins match
 * on this pair only, never on the mutable sign-in name (services/microsoft/entraToken.ts,
 * commands/signInWithMicrosoft.ts). Unique: one Entra person is one Kuvert account.
 */
export const entraIdentity: Migration = {
  name: "20261203000400-entra-identity",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("users", "entra_tenant_id", col.string(36, true));
    await q.addColumn("users", "entra_object_id", col.string(36, true));
    await q.addIndex("users", ["entra_tenant_id", "entra_object_id"], {
      unique: true,
      name: "users_entra_identity_unique",
    });
  },
  async down({ context: q }) {
    await q.removeIndex("users", "users_entra_identity_unique");
    await q.removeColumn("users", "entra_object_id");
    await q.removeColumn("users", "entra_tenant_id");
  },
};
