import type { Transaction } from "sequelize";
import type { ApiToken } from "../models/ApiToken.js";
import type { RequestMeta } from "../services/lockout.js";
import type { AuthState } from "../services/sessions.js";
import { issueApiToken, listApiTokens } from "../services/apiTokens.js";
import { verifySecret } from "../services/passwords.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { notifySecurityChange } from "./notifySecurityChange.js";

export interface CreateApiTokenProps {
  /** A browser session: its unlocked private key goes with the token, sealed under the token's secret. */
  auth: AuthState;
  label: string;
  /** The current password: a stolen session cookie alone must not mint a long-lived token. */
  password: string;
  meta: RequestMeta;
}

export type CreateApiTokenResult = { kind: "created"; row: ApiToken; token: string } | { kind: "wrong_password" };

/**
 * Creates an API token after checking the current password, records `token.created` and
 * e-mails the owner (through the outbox, in this transaction); the token itself is returned
 * only here. A wrong password records `token.create_failed` and comes back as a value (the
 * route commits the audit and answers 403).
 */
export async function createApiToken(t: Transaction, props: CreateApiTokenProps): Promise<CreateApiTokenResult> {
  const { auth, meta } = props;
  const audit = {
    organisationId: auth.user.organisationId,
    userId: auth.user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
  if (!(await verifySecret(props.password, auth.user.passwordHash))) {
    await recordAudit(t, { ...audit, type: "token.create_failed", data: { reason: "wrong_password" } });
    return { kind: "wrong_password" };
  }
  const from =
    auth.sessionId && auth.sessionKey ? { sessionId: auth.sessionId, sessionKey: auth.sessionKey } : undefined;
  const issued = await issueApiToken(t, auth.user, props.label, from);
  await recordAudit(t, { ...audit, type: "token.created", data: { tokenId: issued.id, label: props.label } });
  await notifySecurityChange(t, auth.user, "api_token_created");
  const [row] = await listApiTokens(auth.user.id, t, issued.id);
  return { kind: "created", row, token: issued.token };
}
