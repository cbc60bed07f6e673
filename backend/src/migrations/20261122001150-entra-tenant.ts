import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Microsoft sign-in: the Entra ID tenant (directory) id an organisation signs in with. A token's
 * `tid` selects the organisation; unique, so one tenant maps to at most one organisation.
 */
export const entraTenant: Migration = {
  name: "20261122001150-entra-tenant",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("organisations", "entra_tenant_id", col.string(36, true));
    await q.addIndex("organisations", ["entra_tenant_id"], { unique: true, name: "organisations_entra_tenant_unique" });
  },
  async down({ context: q }) {
    await q.removeIndex("organisations", "organisations_entra_tenant_unique");
    await q.removeColumn("organisations", "entra_tenant_id");
  },
};
