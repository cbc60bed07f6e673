import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { revokeApiToken } from "../services/apiTokens.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface DeleteApiTokenProps {
  user: User;
  tokenId: string;
  meta: RequestMeta;
}

export type DeleteApiTokenResult = { kind: "revoked" } | { kind: "not_found" };

/** Revokes one of the user's API tokens at once and records `token.revoked`. */
export async function deleteApiToken(t: Transaction, props: DeleteApiTokenProps): Promise<DeleteApiTokenResult> {
  const { user, meta } = props;
  const row = await revokeApiToken(t, user.id, props.tokenId);
  if (!row) return { kind: "not_found" };
  await recordAudit(t, {
    type: "token.revoked",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { tokenId: row.id },
  });
  return { kind: "revoked" };
}
