import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { RequestMeta } from "../services/lockout.js";
import { destroySession, revokeAllSessions, type AuthState } from "../services/sessions.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface SignOutEverywhereProps {
  auth: AuthState;
  meta: RequestMeta;
}

/** Ends every session of the user, this browser's included; records `session.revoked_all`. Returns how many. */
export async function signOutEverywhere(
  ctx: ParameterizedContext,
  t: Transaction,
  props: SignOutEverywhereProps,
): Promise<number> {
  const { auth, meta } = props;
  const count = await revokeAllSessions(t, auth.user.id);
  if (auth.via === "session") await destroySession(ctx, t);
  await recordAudit(t, {
    type: "session.revoked_all",
    organisationId: auth.user.organisationId,
    userId: auth.user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { count },
  });
  return count;
}
