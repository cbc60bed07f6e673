import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { upgradeSession, type AuthState } from "../services/sessions.js";
import { clearFailures, type RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/**
 * The end of a sign-in whose organisation requires two-step verification: the user has just
 * turned on their authenticator (SMS code to the mobile on file, then a first app code), so the
 * setup session becomes a full one with a new id and secret (the private key is resealed).
 */
export async function finishSecondFactorSetup(
  ctx: ParameterizedContext,
  t: Transaction,
  props: { meta: RequestMeta },
): Promise<void> {
  const { user } = ctx.state.auth as AuthState;
  await upgradeSession(ctx, t, "full");
  await clearFailures(t, user);
  await recordAudit(t, {
    type: "login.succeeded",
    organisationId: user.organisationId,
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { secondFactor: "totp", setup: true },
  });
}
