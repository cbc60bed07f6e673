import { DataTypes } from "sequelize";
import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Resumable (chunked) attachment uploads into a draft: one row per upload in progress with the
 * encrypted metadata, the declared size, the stream's nonce prefix and the blob of each chunk
 * received so far (already encrypted). Commit joins the chunks into the attachment's blob.
 */
export const attachmentUploads: Migration = {
  name: "20261122001010-attachment-uploads",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("attachment_uploads", {
      id: col.id(),
      message_id: col.ref("messages"),
      meta: col.text(false),
      size: { type: DataTypes.BIGINT, allowNull: false },
      chunk_size: col.int(),
      nonce_prefix: col.string(14),
      chunks: col.text(false),
      ...col.timestamps(),
    });
    await q.addIndex("attachment_uploads", ["message_id"], { name: "attachment_uploads_message" });
  },
  async down({ context: q }) {
    await q.dropTable("attachment_uploads");
  },
};
