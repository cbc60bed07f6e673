import type { Transaction } from "sequelize";
import type { ApiToken } from "../models/ApiToken.js";
import type { RequestMeta } from "../services/lockout.js";
import type { AuthState } from "../services/sessions.js";
import { issueApiToken, listApiTokens } from "../services/apiTokens.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface CreateApiTokenProps {
  /** A browser session: its unlocked private key goes with the token, sealed under the token's secret. */
  auth: AuthState;
  label: string;
  meta: RequestMeta;
}

/** Creates an API token and records `token.created`; the token itself is returned only here. */
export async function createApiToken(
  t: Transaction,
  props: CreateApiTokenProps,
): Promise<{ row: ApiToken; token: string }> {
  const { auth, meta } = props;
  const from =
    auth.sessionId && auth.sessionKey ? { sessionId: auth.sessionId, sessionKey: auth.sessionKey } : undefined;
  const issued = await issueApiToken(t, auth.user, props.label, from);
  await recordAudit(t, {
    type: "token.created",
    organisationId: auth.user.organisationId,
    userId: auth.user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { tokenId: issued.id, label: props.label },
  });
  const [row] = await listApiTokens(auth.user.id, t, issued.id);
  return { row, token: issued.token };
}
