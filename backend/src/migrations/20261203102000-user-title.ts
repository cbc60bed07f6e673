import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * A user's job title (F5): the organisation signature's `{title}` placeholder. Set by the user
 * in their account settings; null until they do.
 */
export const userTitle: Migration = {
  name: "20261203102000-user-title",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("user_settings", "title", col.string(100, true));
  },
  async down({ context: q }) {
    await q.removeColumn("user_settings", "title");
  },
};
