import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Resumable uploads of pre-encrypted attachments (issue 12, the add-in's picked files): the
 * client sends the v1 stream's records chunk by chunk under its own content key; the server
 * stores them as they come and joins them behind the header at commit. Such an upload has no
 * server-sealed metadata (name, type and size go in the client's content JWE): `meta` is empty.
 */
export const preEncryptedUploads: Migration = {
  name: "20261203114000-pre-encrypted-uploads",
  async up({ context: q }) {
    await q.addColumn("attachment_uploads", "pre_encrypted", columns(q).bool(false));
  },
  async down({ context: q }) {
    await q.removeColumn("attachment_uploads", "pre_encrypted");
  },
};
