import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Draft attachments keep their name, type and size on the row until send moves them into the
 * content JWE: `attachments.meta`, encrypted under a key derived from the message's content key
 * (services/attachments/meta.ts). Null for pre-encrypted uploads (the client's JWE has them).
 */
export const attachmentMeta: Migration = {
  name: "20261122001000-attachment-meta",
  async up({ context: q }) {
    const col = columns(q);
    await q.addColumn("attachments", "meta", col.text(true));
  },
  async down({ context: q }) {
    await q.removeColumn("attachments", "meta");
  },
};
