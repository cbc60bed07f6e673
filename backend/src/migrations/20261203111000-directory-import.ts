import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Microsoft 365 directory import (issue 10): the Entra ID object id of each member and
 * invitation that came from the organisation's directory (so a person who leaves the group can
 * be found again and deactivated), and the group the organisation last imported from, with when.
 */
export const directoryImport: Migration = {
  name: "20261203111000-directory-import",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("users", "directory_object_id", col.string(36, true));
    await q.addIndex("users", ["organisation_id", "directory_object_id"], { name: "users_directory_object" });
    await q.addColumn("invitations", "directory_object_id", col.string(36, true));
    await q.addColumn("organisations", "directory_group_id", col.string(36, true));
    await q.addColumn("organisations", "directory_imported_at", col.date(true));
  },
  async down({ context: q }) {
    await q.removeColumn("organisations", "directory_imported_at");
    await q.removeColumn("organisations", "directory_group_id");
    await q.removeColumn("invitations", "directory_object_id");
    await q.removeIndex("users", "users_directory_object");
    await q.removeColumn("users", "directory_object_id");
  },
};
