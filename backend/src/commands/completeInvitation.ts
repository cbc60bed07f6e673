import type { ParameterizedContext } from "koa";
import type { Transaction } from "sequelize";
import { appError } from "../errors.js";
import { clock } from "../services/clock.js";
import { hashSecret } from "../services/passwords.js";
import { checkPasswordPolicy } from "../services/passwordPolicy.js";
import { createSession, type AuthState } from "../services/sessions.js";
import { createUserKeys, rewrapUserKeys, unlockKeysForSession } from "../services/keys/userKeys.js";
import { sameHash } from "../services/messages/linkTokens.js";
import { findOpenInvitation, hashVerifySecret } from "../services/invitations/invitationLink.js";
import { joinOrganisation } from "../services/invitations/joinOrganisation.js";

/**
 * The last step of an invitation (F23): after the SMS code, in the same browser, the person
 * chooses a password under the password policy and accepts the terms. They join the
 * organisation and are signed in with the private key unlocked. A new person gets a key pair
 * as any new user does (`createUserKeys`); a pending recipient identity keeps its escrowed pair
 * (re-wrapped under the password), so the messages already sent to it stay readable.
 */
export async function completeInvitation(
  ctx: ParameterizedContext,
  t: Transaction,
  props: {
    token: string;
    verifySecret: string | undefined;
    password: string;
    meta: { ip: string | null; userAgent: string | null };
  },
): Promise<void> {
  const { invitation, user, organisation } = await findOpenInvitation(props.token, t);
  const now = clock.now();
  const verified =
    !!props.verifySecret &&
    !!invitation.verifiedAt &&
    !!invitation.verifyExpiresAt &&
    invitation.verifyExpiresAt.getTime() > now.getTime() &&
    sameHash(invitation.verifySecretHash, hashVerifySecret(props.verifySecret));
  if (!verified) throw appError("verification_required", "Confirm the SMS code first");
  const policy = checkPasswordPolicy(props.password, { email: user.email });
  if (!policy.ok) throw appError(policy.id, policy.message);
  const hadKeys = !!user.publicKey;
  await joinOrganisation(
    t,
    invitation,
    user,
    organisation,
    { passwordHash: await hashSecret(props.password), passwordChangedAt: now },
    props.meta,
  );
  if (hadKeys) await rewrapUserKeys(t, user, props.password, null);
  else await createUserKeys(t, user, props.password);
  const session = await createSession(ctx, t, user, "full");
  const auth = ctx.state.auth as AuthState;
  await unlockKeysForSession(t, user, props.password, session.id, auth.sessionKey!);
}
