import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * api_tokens.private_key_sealed: the owner's private key sealed under a key derived from the
 * token's secret (services/keys/tokenKeys.ts), so a bearer token from a password sign-in can
 * read messages. Null for key-less tokens (Microsoft sign-in) and after revocation.
 */
export const tokenKeys: Migration = {
  name: "20261122001700-token-keys",
  async up({ context: q }) {
    await q.addColumn("api_tokens", "private_key_sealed", columns(q).text(true));
  },
  async down({ context: q }) {
    await q.removeColumn("api_tokens", "private_key_sealed");
  },
};
