import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { literal } from "sequelize";
import { Invitation } from "../models/Invitation.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { clock } from "../services/clock.js";
import { checkSmsCode } from "../services/smsCodes.js";
import {
  findOpenInvitation,
  hashVerifySecret,
  invitationCodePurpose,
  INVITATION_VERIFY_WINDOW_MS,
} from "../services/invitations/invitationLink.js";
import { joinOrganisation } from "../services/invitations/joinOrganisation.js";

export type VerifyInvitationResult =
  { ok: true; next: "set_password"; secret: string } | { ok: true; next: "sign_in" } | { ok: false };

/**
 * The SMS code of an accepted invitation (F23). A wrong code is a result (the count must
 * commit); INVITATION_MAX_CODE_FAILURES wrong codes lock the invitation until a resend. A right
 * code for a person who already has a free Kuvert account with a password completes the
 * invitation at once (the account moves in with its keys and messages; they sign in as
 * before). Otherwise a fresh secret, kept only hashed, binds the password step to this browser.
 */
export async function verifyInvitationCode(
  t: Transaction,
  token: string,
  code: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<VerifyInvitationResult> {
  const { invitation, user, organisation } = await findOpenInvitation(token, t);
  const ok = await checkSmsCode(t, user, invitationCodePurpose(invitation), code, { target: invitation.mobile });
  await recordAudit(t, {
    type: ok ? "invitation.code_verified" : "invitation.code_failed",
    organisationId: invitation.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { invitationId: invitation.id },
  });
  if (!ok) {
    await Invitation.update(
      { codeFailures: literal("code_failures + 1") as unknown as number },
      { where: { id: invitation.id }, transaction: t },
    );
    return { ok: false };
  }
  if (invitation.existingAccount && user.status === "active") {
    await joinOrganisation(t, invitation, user, organisation, {}, meta);
    return { ok: true, next: "sign_in" };
  }
  const secret = crypto.randomBytes(32).toString("base64url");
  const now = clock.now();
  await invitation.update(
    {
      verifiedAt: now,
      verifySecretHash: hashVerifySecret(secret),
      verifyExpiresAt: new Date(now.getTime() + INVITATION_VERIFY_WINDOW_MS),
    },
    { transaction: t },
  );
  return { ok: true, next: "set_password", secret };
}
