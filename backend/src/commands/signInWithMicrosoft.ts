import type { Transaction } from "sequelize";
import { Organisation } from "../models/Organisation.js";
import { User, normaliseEmail } from "../models/User.js";
import { issueApiToken } from "../services/apiTokens.js";
import { isLocked, type RequestMeta } from "../services/lockout.js";
import type { EntraIdentity } from "../services/microsoft/entraToken.js";
import { secondFactorMethods } from "../services/secondFactor.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type MicrosoftSignInResult =
  | { kind: "ok"; user: User; organisation: Organisation; tokenId: string; token: string }
  | { kind: "unknown_tenant" }
  | { kind: "unknown_user" }
  | { kind: "identity_mismatch" }
  | { kind: "second_factor_required" }
  | { kind: "locked" };

export const microsoftTokenLabel = "Outlook add-in (Microsoft sign-in)";

/**
 * Whether the Microsoft sign-in may stand in for this user's Kuvert second factor: always
 * when the user has none (2FA off); otherwise only when the organisation trusts Entra MFA
 * (policy `entraMfaSatisfiesSecondFactor`) AND the token says MFA was done (`amr` "mfa").
 * Otherwise the user signs in with Kuvert (password + second factor) in the add-in's dialog.
 */
async function secondFactorSatisfied(t: Transaction, user: User, organisation: Organisation, identity: EntraIdentity) {
  if ((await secondFactorMethods(user, t)).length === 0) return true;
  return organisation.policy?.entraMfaSatisfiesSecondFactor === true && identity.mfa;
}

/**
 * Maps a verified Entra identity to an active staff member or admin of the organisation
 * connected to that tenant, and issues a revocable API token for the add-in.
 *
 * The person is bound by tenant + object id (`tid` + `oid`): at the first Microsoft sign-in
 * the Kuvert account with the token's sign-in name (in the organisation, not yet bound)
 * gets the pair stored; afterwards only the pair matches. A renamed Entra user stays the same
 * Kuvert user; another Entra person who now carries the old name is refused
 * (`identity_mismatch`), as is a token from another tenant for a bound account.
 */
export async function signInWithMicrosoft(
  t: Transaction,
  identity: EntraIdentity,
  meta: RequestMeta,
): Promise<MicrosoftSignInResult> {
  const organisation = await Organisation.findOne({ where: { entraTenantId: identity.tenantId }, transaction: t });
  if (!organisation) {
    await recordAudit(t, { type: "login.microsoft.failed", ...meta, data: { reason: "unknown_tenant" } });
    return { kind: "unknown_tenant" };
  }
  const fail = async (reason: string, user: User | null) => {
    await recordAudit(t, {
      type: "login.microsoft.failed",
      organisationId: organisation.id,
      userId: user?.id ?? null,
      ...meta,
      data: { reason },
    });
  };

  let user = await User.findOne({
    where: { entraTenantId: identity.tenantId, entraObjectId: identity.objectId },
    transaction: t,
  });
  let firstBinding = false;
  if (!user) {
    if (!identity.username) {
      // Not bound yet, and the token names no address to find the Kuvert account by.
      await fail("no_username", null);
      return { kind: "unknown_user" };
    }
    const byName = await User.findOne({
      where: { email: normaliseEmail(identity.username), organisationId: organisation.id },
      transaction: t,
    });
    if (byName?.entraObjectId) {
      // The address belongs to a Kuvert account already bound to another Entra person (or the
      // same object id in another tenant): a reused or renamed sign-in name, not this person.
      await fail("identity_mismatch", byName);
      return { kind: "identity_mismatch" };
    }
    user = byName;
    firstBinding = user !== null;
  }
  if (
    !user ||
    user.organisationId !== organisation.id ||
    user.status !== "active" ||
    (user.role !== "staff" && user.role !== "admin")
  ) {
    await fail("unknown_user", user);
    return { kind: "unknown_user" };
  }
  if (isLocked(user)) {
    await fail("locked", user);
    return { kind: "locked" };
  }
  if (!(await secondFactorSatisfied(t, user, organisation, identity))) {
    await fail("second_factor_required", user);
    return { kind: "second_factor_required" };
  }
  if (firstBinding) {
    // Conditional: of two first sign-ins racing for one account, only one binds it.
    const [bound] = await User.update(
      { entraTenantId: identity.tenantId, entraObjectId: identity.objectId },
      { where: { id: user.id, entraObjectId: null }, transaction: t },
    );
    if (bound !== 1) {
      await fail("identity_mismatch", user);
      return { kind: "identity_mismatch" };
    }
    await recordAudit(t, {
      type: "user.microsoft_bound",
      organisationId: organisation.id,
      userId: user.id,
      ...meta,
      data: { tenantId: identity.tenantId, objectId: identity.objectId },
    });
  }
  const issued = await issueApiToken(t, user, microsoftTokenLabel);
  await recordAudit(t, {
    type: "login.microsoft",
    organisationId: organisation.id,
    userId: user.id,
    ...meta,
    data: { tokenId: issued.id, tenantId: identity.tenantId, entraMfa: identity.mfa },
  });
  return { kind: "ok", user, organisation, tokenId: issued.id, token: issued.token };
}
