import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { appError } from "../errors.js";
import { User } from "../models/User.js";
import { Contact } from "../models/Contact.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { hashSecret } from "../services/passwords.js";
import { checkPasswordPolicy } from "../services/passwordPolicy.js";
import { createSession } from "../services/sessions.js";
import type { AuthState } from "../services/sessions.js";
import { rewrapUserKeys, unlockKeysForSession } from "../services/keys/userKeys.js";
import { sameHash } from "../services/messages/linkTokens.js";
import { resolveRecipientLink, type LinkRef, hashVerifySecret } from "../services/messages/recipientLink.js";
import { recordIdCheckPass } from "../services/messages/idCheck.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export const VerificationRequiredError = () =>
  appError("verification_required", "Confirm your e-mail address and the SMS code first");
export const AccountExistsError = () => appError("account_exists", "You already have an account; sign in instead");

/**
 * Step 3 (F9): a verified first-time recipient chooses a password and accepts the terms. The
 * pending identity becomes a free Basic account, its escrowed private key is wrapped under the
 * new password, the browser is signed in with the key unlocked, and the sender's contact
 * becomes a safe contact (the mobile number is now verified).
 */
export async function registerRecipient(
  ctx: ParameterizedContext,
  t: Transaction,
  props: {
    token: LinkRef;
    verifySecret: string | undefined;
    password: string;
    meta: { ip: string | null; userAgent: string | null };
  },
): Promise<{ messageId: string }> {
  const { recipient, message, user } = await resolveRecipientLink(props.token, t);
  if (user.status !== "pending") throw AccountExistsError();
  const now = Date.now();
  const verified =
    !!props.verifySecret &&
    !!recipient.verifiedAt &&
    !!recipient.verifyExpiresAt &&
    recipient.verifyExpiresAt.getTime() > now &&
    sameHash(recipient.verifySecretHash, hashVerifySecret(props.verifySecret));
  if (!verified) throw VerificationRequiredError();
  const policy = checkPasswordPolicy(props.password, { email: user.email });
  if (!policy.ok) throw appError(policy.id, policy.message);

  const mobile = recipient.mobile ?? user.mobile;
  const [claimed] = await User.update(
    {
      passwordHash: await hashSecret(props.password),
      status: "active",
      role: "recipient",
      plan: "basic",
      mobile,
      passwordChangedAt: new Date(now),
    },
    { where: { id: user.id, status: "pending" }, transaction: t },
  );
  if (claimed !== 1) throw AccountExistsError();
  await user.reload({ transaction: t });
  await rewrapUserKeys(t, user, props.password, null);
  await MessageRecipient.update(
    { verifySecretHash: null, verifyExpiresAt: null },
    { where: { id: recipient.id }, transaction: t },
  );
  if (message.senderId && mobile) {
    await Contact.update(
      { verified: true, mobile },
      { where: { ownerId: message.senderId, email: user.email }, transaction: t },
    );
  }
  await recordAudit(t, {
    type: "recipient.registered",
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { messageId: message.id, plan: "basic" },
  });
  const session = await createSession(ctx, t, user, "full");
  const auth = ctx.state.auth as AuthState;
  await unlockKeysForSession(t, user, props.password, session.id, auth.sessionKey!);
  // The SMS code just entered was the ID check for this message, in this session.
  if (message.idCheck) await recordIdCheckPass(t, session.id, message.id);
  return { messageId: message.id };
}
