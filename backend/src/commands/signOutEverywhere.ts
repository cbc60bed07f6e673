import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { RequestMeta } from "../services/lockout.js";
import { destroySession, revokeAllSessions, type AuthState } from "../services/sessions.js";
import { revokeAllApiTokens } from "../services/apiTokens.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface SignOutEverywhereProps {
  auth: AuthState;
  meta: RequestMeta;
}

export interface SignOutEverywhereResult {
  sessions: number;
  tokens: number;
}

/**
 * Ends every session of the user, this browser's included, and every API token (the calling
 * one too); records `session.revoked_all` (and `token.revoked_all` when tokens ended).
 */
export async function signOutEverywhere(
  ctx: ParameterizedContext,
  t: Transaction,
  props: SignOutEverywhereProps,
): Promise<SignOutEverywhereResult> {
  const { auth, meta } = props;
  const count = await revokeAllSessions(t, auth.user.id);
  const tokens = await revokeAllApiTokens(t, auth.user.id);
  if (auth.via === "session") await destroySession(ctx, t);
  await recordAudit(t, {
    type: "session.revoked_all",
    organisationId: auth.user.organisationId,
    userId: auth.user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { count },
  });
  if (tokens > 0) {
    await recordAudit(t, {
      type: "token.revoked_all",
      organisationId: auth.user.organisationId,
      userId: auth.user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { count: tokens, reason: "sign_out_everywhere" },
    });
  }
  return { sessions: count, tokens };
}
