import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";

/**
 * Shared mailboxes (issue 11): each member is e-mailed a neutral notice when a secure message
 * arrives in the mailbox, unless they turned it off (Settings → Shared mailboxes).
 */
export const mailboxMemberNotify: Migration = {
  name: "20261203115000-mailbox-member-notify",
  async up({ context: q }) {
    await q.addColumn("shared_mailbox_members", "notify", {
      type: DataTypes.BOOLEAN,
      allowNull: false,
      defaultValue: true,
    });
  },
  async down({ context: q }) {
    await q.removeColumn("shared_mailbox_members", "notify");
  },
};
