import { transaction } from "../db.js";
import type { RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { verifyEntraToken, type EntraConfig } from "../services/microsoft/entraToken.js";
import { signInWithMicrosoft, type MicrosoftSignInResult } from "./signInWithMicrosoft.js";

export type EntraSignInResult = MicrosoftSignInResult | { kind: "invalid_token" } | { kind: "jwks_unavailable" };

/**
 * The add-in's Microsoft sign-in (POST /api/auth/microsoft): verifies the Entra ID token outside
 * any transaction (it may fetch Microsoft's key set), audits a token that fails verification
 * (`login.microsoft.failed` with the reason, never the token) and signs the matching staff user
 * in. Microsoft's key set being unreachable is `jwks_unavailable`, not audited.
 */
export async function signInWithEntraToken(
  token: string,
  config: EntraConfig,
  meta: RequestMeta,
): Promise<EntraSignInResult> {
  const verified = await verifyEntraToken(token, config);
  if (!verified.ok) {
    if (verified.reason === "jwks_unavailable") return { kind: "jwks_unavailable" };
    await transaction((t) =>
      recordAudit(t, { type: "login.microsoft.failed", ...meta, data: { reason: verified.reason } }),
    );
    return { kind: "invalid_token" };
  }
  return transaction((t) => signInWithMicrosoft(t, verified.identity, meta));
}
