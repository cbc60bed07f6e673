import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { Session } from "../models/Session.js";
import type { RequestMeta } from "../services/lockout.js";
import { destroySession, type AuthState } from "../services/sessions.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface RevokeSessionProps {
  auth: AuthState;
  sessionId: string;
  meta: RequestMeta;
}

export type RevokeSessionResult = { kind: "revoked" } | { kind: "not_found" };

/**
 * Ends one of the user's sessions (this one too: then its cookies are cleared) and records
 * `session.revoked`. Another user's session id is `not_found`.
 */
export async function revokeSession(
  ctx: ParameterizedContext,
  t: Transaction,
  props: RevokeSessionProps,
): Promise<RevokeSessionResult> {
  const { auth, meta } = props;
  const session = await Session.findOne({ where: { id: props.sessionId, userId: auth.user.id }, transaction: t });
  if (!session) return { kind: "not_found" };
  const current = session.id === auth.sessionId;
  if (current) await destroySession(ctx, t);
  else await session.destroy({ transaction: t });
  await recordAudit(t, {
    type: "session.revoked",
    organisationId: auth.user.organisationId,
    userId: auth.user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { current },
  });
  return { kind: "revoked" };
}
