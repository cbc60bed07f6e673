import type { Transaction } from "sequelize";
import { Organisation } from "../models/Organisation.js";
import { User, normaliseEmail } from "../models/User.js";
import { issueApiToken } from "../services/apiTokens.js";
import { isLocked, type RequestMeta } from "../services/lockout.js";
import type { EntraIdentity } from "../services/microsoft/entraToken.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type MicrosoftSignInResult =
  | { kind: "ok"; user: User; organisation: Organisation; tokenId: string; token: string }
  | { kind: "unknown_tenant" }
  | { kind: "unknown_user" }
  | { kind: "locked" };

export const microsoftTokenLabel = "Outlook add-in (Microsoft sign-in)";

/**
 * Maps a verified Entra identity to an active staff member or admin of the organisation
 * connected to that tenant, and issues a revocable API token for the add-in. The user is
 * matched by tenant and e-mail address (the token's sign-in name).
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
  const user = await User.findOne({
    where: { email: normaliseEmail(identity.username), organisationId: organisation.id },
    transaction: t,
  });
  if (!user || user.status !== "active" || (user.role !== "staff" && user.role !== "admin")) {
    await recordAudit(t, {
      type: "login.microsoft.failed",
      organisationId: organisation.id,
      userId: user?.id ?? null,
      ...meta,
      data: { reason: "unknown_user" },
    });
    return { kind: "unknown_user" };
  }
  if (isLocked(user)) {
    await recordAudit(t, {
      type: "login.microsoft.failed",
      organisationId: organisation.id,
      userId: user.id,
      ...meta,
      data: { reason: "locked" },
    });
    return { kind: "locked" };
  }
  const issued = await issueApiToken(t, user, microsoftTokenLabel);
  await recordAudit(t, {
    type: "login.microsoft",
    organisationId: organisation.id,
    userId: user.id,
    ...meta,
    data: { tokenId: issued.id, tenantId: identity.tenantId },
  });
  return { kind: "ok", user, organisation, tokenId: issued.id, token: issued.token };
}
