import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { RequestMeta } from "../services/lockout.js";
import { destroySession, type AuthState } from "../services/sessions.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface LogoutProps {
  auth: AuthState;
  meta: RequestMeta;
}

/** Signs out: records `logout` and ends the request's session (row and cookies). */
export async function logout(ctx: ParameterizedContext, t: Transaction, props: LogoutProps): Promise<void> {
  const { user } = props.auth;
  await recordAudit(t, {
    type: "logout",
    organisationId: user.organisationId,
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: {},
  });
  await destroySession(ctx, t);
}
