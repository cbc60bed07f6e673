/**
 * Validates the Microsoft Entra ID access token that the add-in got for its own API through
 * nested app authentication (MSAL) or legacy Office SSO (`Office.auth.getAccessToken`):
 *
 * - signature with the tenant-independent Entra key set (JWKS, `jose`; RS256 only);
 * - issuer: the tenant's own issuer, built from the token's `tid` and the issuer template(s)
 *   (multi-tenant apps must check it per tenant; v2.0 tokens: `{authority}/{tid}/v2.0`);
 * - audience: the add-in's API — its client id (v2.0 access tokens always carry the API's
 *   client id) or its Application ID URI `api://<host>/<client id>` (v1.0 tokens);
 * - `exp` / `nbf` with a small clock tolerance;
 * - an ACCESS token for the API scope: `scp` (delegated scopes) contains `access_as_user`.
 *   ID tokens are refused: they have no `scp`, and may carry `nonce`, `at_hash` or `c_hash`,
 *   which an access token never does; an app-only token (`idtyp` "app", `roles` without `scp`)
 *   is refused the same way. The audience alone cannot tell them apart (a v2.0 ID token and a
 *   v2.0 access token for the add-in's own API both have aud = client id);
 * - a tenant id (`tid`) and the user's object id (`oid`), both GUIDs: the person is bound by
 *   this pair (commands/signInWithMicrosoft.ts). The sign-in name (`preferred_username`, `upn`
 *   or `email`) is mutable and only used to find the Kuvert account at the first sign-in;
 * - `amr` (authentication methods, v1.0 tokens) is passed on: "mfa" there is the only proof
 *   of Entra multi-factor authentication this server accepts.
 *
 * Only the token's own claims are used. Calling Microsoft Graph on the user's behalf
 * (on-behalf-of flow with @azure/msal-node) is not needed for sign-in and not done here.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { env, type Env } from "../../env.js";
import { clock } from "../clock.js";

export interface EntraConfig {
  clientId: string;
  /** The scope the add-in asks for: `api://<PUBLIC_URL host>/<client id>/access_as_user`. */
  addinScope: string;
  /** The MSAL authority for the add-in (multi-tenant, work accounts): `{authority}/organizations`. */
  addinAuthority: string;
  audiences: string[];
  /** Templates with `{tenantid}`; a token's issuer must equal one of them filled with its tid. */
  issuerTemplates: string[];
  jwksUrl: string;
  clockToleranceSeconds: number;
}

/** The delegated scope the add-in's API exposes; a token must carry it in `scp`. */
export const apiScope = "access_as_user";

export interface EntraIdentity {
  tenantId: string;
  /** The user's immutable object id in the tenant (`oid`), lower-cased. */
  objectId: string;
  /** Lower-cased sign-in name: preferred_username, upn or email (mutable; first binding only). */
  username: string | null;
  name: string | null;
  /** True when `amr` names multi-factor authentication ("mfa"). */
  mfa: boolean;
}

export type EntraFailure =
  | "malformed"
  | "no_tenant"
  | "no_object_id"
  | "not_access_token"
  | "wrong_scope"
  | "wrong_issuer"
  | "wrong_audience"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "invalid"
  | "jwks_unavailable";

export type EntraTokenResult =
  { ok: true; identity: EntraIdentity; claims: JWTPayload } | { ok: false; reason: EntraFailure };

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Microsoft sign-in configuration, or null when it is off (no ENTRA_CLIENT_ID). */
export function entraConfig(e: Env = env()): EntraConfig | null {
  if (!e.ENTRA_CLIENT_ID) return null;
  const clientId = e.ENTRA_CLIENT_ID.toLowerCase();
  const authority = e.ENTRA_AUTHORITY_URL.replace(/\/+$/, "");
  const appIdUri = `api://${new URL(e.PUBLIC_URL).host}/${clientId}`;
  const audiences = new Set([clientId, appIdUri]);
  for (const a of e.ENTRA_AUDIENCE?.split(",") ?? []) if (a.trim()) audiences.add(a.trim());
  return {
    clientId,
    addinScope: `${appIdUri}/${apiScope}`,
    addinAuthority: `${authority}/organizations`,
    audiences: [...audiences],
    issuerTemplates: (e.ENTRA_ISSUER_TEMPLATE ?? `${authority}/{tenantid}/v2.0`).split(",").map((s) => s.trim()),
    jwksUrl: e.ENTRA_JWKS_URL ?? `${authority}/common/discovery/v2.0/keys`,
    clockToleranceSeconds: e.ENTRA_CLOCK_TOLERANCE_SECONDS,
  };
}

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url);
  if (!set) {
    // Cached for 10 minutes; an unknown kid refetches at most every 30 s (key rollover).
    set = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    keySets.set(url, set);
  }
  return set;
}

function failureOf(err: unknown): EntraFailure {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "iss") return "wrong_issuer";
    if (err.claim === "aud") return "wrong_audience";
    if (err.claim === "nbf") return "not_yet_valid";
    return "invalid";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return "bad_signature";
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid)
    return "malformed";
  if (err instanceof errors.JWKSMultipleMatchingKeys) return "bad_signature";
  // Timeouts, a non-200 or malformed key set, network errors: the key set could not be had.
  return "jwks_unavailable";
}

function stringClaim(claims: JWTPayload, name: string): string | null {
  const v = claims[name];
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

/** Claims only an ID token carries (OpenID Connect Core 2, 3.1.3.6, 3.3.2.11). */
const idTokenOnlyClaims = ["nonce", "at_hash", "c_hash"];

/**
 * Whether the verified claims are a user's access token for the API scope: `scp` (a
 * space-separated list) contains `access_as_user`, no ID-token-only claim, not an app token.
 */
function tokenKind(claims: JWTPayload): "ok" | "not_access_token" | "wrong_scope" {
  if (idTokenOnlyClaims.some((c) => c in claims)) return "not_access_token";
  if (claims.idtyp !== undefined && claims.idtyp !== "user") return "not_access_token";
  if (typeof claims.scp !== "string") return "not_access_token";
  return claims.scp.split(" ").includes(apiScope) ? "ok" : "wrong_scope";
}

/** Verifies `token` against `config`; never throws for a bad token. */
export async function verifyEntraToken(token: string, config: EntraConfig): Promise<EntraTokenResult> {
  let unverified: JWTPayload;
  try {
    decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const tid = typeof unverified.tid === "string" ? unverified.tid.toLowerCase() : "";
  if (!guid.test(tid)) return { ok: false, reason: "no_tenant" };
  const issuers = config.issuerTemplates.map((t) => t.replace(/\{tenantid\}/g, tid));
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keySet(config.jwksUrl), {
      algorithms: ["RS256"],
      issuer: issuers,
      audience: config.audiences,
      clockTolerance: config.clockToleranceSeconds,
      currentDate: clock.now(),
      requiredClaims: ["exp", "iat", "iss", "aud", "tid"],
    }));
  } catch (err) {
    return { ok: false, reason: failureOf(err) };
  }
  if (typeof claims.tid !== "string" || claims.tid.toLowerCase() !== tid) return { ok: false, reason: "no_tenant" };
  const kind = tokenKind(claims);
  if (kind !== "ok") return { ok: false, reason: kind };
  const oid = stringClaim(claims, "oid")?.toLowerCase() ?? "";
  if (!guid.test(oid)) return { ok: false, reason: "no_object_id" };
  const username =
    stringClaim(claims, "preferred_username") ?? stringClaim(claims, "upn") ?? stringClaim(claims, "email");
  return {
    ok: true,
    claims,
    identity: {
      tenantId: tid,
      objectId: oid,
      username: username && username.includes("@") ? username.toLowerCase() : null,
      name: stringClaim(claims, "name"),
      mfa: Array.isArray(claims.amr) && claims.amr.includes("mfa"),
    },
  };
}
