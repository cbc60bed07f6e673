import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * Blobs to overwrite and remove. Written in the same transaction that destroys a message's
 * keys, then processed after commit by the blob reaper, so a crash in between leaves work to
 * do rather than a stray blob.
 */
export const blobDeletions: Migration = {
  name: "20261122000700-blob-deletions",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("blob_deletions", {
      id: col.serial(),
      blob_key: col.string(200),
      attempts: col.int(),
      last_error: col.string(300, true),
      created_at: col.date(false),
    });
  },
  async down({ context: q }) {
    await q.dropTable("blob_deletions");
  },
};
