import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { hashSecret, verifySecret } from "../services/passwords.js";
import { checkPasswordPolicy, type PasswordPolicyResult } from "../services/passwordPolicy.js";
import { revokeAllSessions, upgradeSession, type AuthState } from "../services/sessions.js";
import { rewrapUserKeys } from "../services/keys/userKeys.js";
import { revokeAllApiTokens } from "../services/apiTokens.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import type { RequestMeta } from "../services/lockout.js";
import { env } from "../env.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type ChangePasswordResult =
  | { kind: "changed"; otherSessionsRevoked: number }
  | { kind: "wrong_password" }
  | { kind: "same_password" }
  | (Extract<PasswordPolicyResult, { ok: false }> & { kind: "policy" });

export interface ChangePasswordProps {
  user: User;
  currentPassword: string;
  newPassword: string;
  meta: RequestMeta;
}

/**
 * Changes the password of the signed-in user: checks the current one and the policy, re-wraps
 * the private key (KEYS), signs out every other session, ends every API token, rotates this one
 * (new id and secret), audits and e-mails the owner. Expected failures come back as values.
 */
export async function changePassword(
  ctx: ParameterizedContext,
  t: Transaction,
  props: ChangePasswordProps,
): Promise<ChangePasswordResult> {
  const { user, meta } = props;
  if (!(await verifySecret(props.currentPassword, user.passwordHash))) {
    await recordAudit(t, {
      type: "password.change_failed",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { reason: "wrong_password" },
    });
    return { kind: "wrong_password" };
  }
  const policy = checkPasswordPolicy(props.newPassword, { email: user.email });
  if (!policy.ok) return { ...policy, kind: "policy" };
  if (props.newPassword === props.currentPassword) return { kind: "same_password" };

  user.passwordHash = await hashSecret(props.newPassword);
  user.passwordChangedAt = new Date();
  await user.save({ transaction: t });
  await rewrapUserKeys(t, user, props.newPassword, props.currentPassword);
  // Every API token ends (row revoked, sealed key dropped): a stolen token must not outlive the old password.
  const tokensRevoked = await revokeAllApiTokens(t, user.id);

  const auth = ctx.state.auth as AuthState;
  const session = auth.via === "session" ? await upgradeSession(ctx, t, "full") : null;
  const otherSessionsRevoked = await revokeAllSessions(t, user.id, session?.id ?? null);
  await recordAudit(t, {
    type: "password.changed",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { otherSessionsRevoked },
  });
  if (tokensRevoked > 0) {
    await recordAudit(t, {
      type: "token.revoked_all",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { count: tokensRevoked, reason: "password_changed" },
    });
  }
  await enqueueEmail(t, {
    to: user.email,
    template: "password-changed",
    locale: user.locale,
    vars: {
      name: user.name ?? "",
      at: new Intl.DateTimeFormat(user.locale === "sv" ? "sv-SE" : "en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: "Europe/Stockholm",
      }).format(new Date()),
      ip: meta.ip ?? "",
      resetUrl: `${env().PUBLIC_URL}/password-reset`,
    },
  });
  return { kind: "changed", otherSessionsRevoked };
}
