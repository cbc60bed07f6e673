import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * messages.shared_token_hash: the SHA-256 of the one link (/m/{token}) that the Outlook item
 * sent by the add-in carries for all its recipients (issue 12). Each recipient still proves who
 * they are (address, SMS code, password) before the message opens; only the hash is stored.
 */
export const sharedLinks: Migration = {
  name: "20261203104000-shared-links",
  async up({ context: q }) {
    await q.addColumn("messages", "shared_token_hash", columns(q).string(64, true));
    await q.addIndex("messages", ["shared_token_hash"], { name: "messages_shared_token_hash", unique: true });
  },
  async down({ context: q }) {
    await q.removeIndex("messages", "messages_shared_token_hash");
    await q.removeColumn("messages", "shared_token_hash");
  },
};
