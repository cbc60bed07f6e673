import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * The blind search index: for each reader and message, keyed hashes (HMAC-SHA256 under a
 * per-user key derived from MASTER_KEY) of the words and word prefixes a reader can search for.
 * No plaintext is stored (S1/S2).
 */
export const searchTerms: Migration = {
  name: "20261122001200-search-terms",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("search_terms", {
      id: col.serial(),
      user_id: col.ref("users"),
      message_id: col.ref("messages"),
      term: col.string(32),
    });
    await q.addIndex("search_terms", ["user_id", "term"], { name: "search_terms_lookup" });
    await q.addIndex("search_terms", ["message_id", "user_id"], { name: "search_terms_message" });
  },
  async down({ context: q }) {
    await q.dropTable("search_terms");
  },
};
