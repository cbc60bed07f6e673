import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/** Org-managed text snippets the composers insert (F5). Plain text, not message content. */
export const messageTemplates: Migration = {
  name: "20261122001600-message-templates",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("message_templates", {
      id: col.id(),
      organisation_id: col.ref("organisations"),
      name: col.string(100),
      body: col.text(false),
      locale: col.string(5),
      ...col.timestamps(),
    });
    await q.addIndex("message_templates", ["organisation_id"], { name: "message_templates_organisation" });
  },
  async down({ context: q }) {
    await q.dropTable("message_templates");
  },
};
