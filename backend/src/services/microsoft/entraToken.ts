/**
 * Validates a Microsoft Entra ID token that the add-in got through Office SSO or nested app
 * authentication (an ID token of the add-in's app registration, or an access token for its
 * own API, `api://<host>/<client id>`):
 *
 * - signature with the tenant-independent Entra key set (JWKS, `jose`; RS256 only);
 * - issuer: the tenant's own issuer, built from the token's `tid` and the issuer template(s)
 *   (multi-tenant apps must check it per tenant; v2.0 tokens: `{authority}/{tid}/v2.0`);
 * - audience: the client id or the configured Application ID URI;
 * - `exp` / `nbf` with a small clock tolerance;
 * - a tenant id (`tid`, a GUID) and a user name (`preferred_username`, `upn` or `email`).
 *
 * Only the token's own claims are used. Calling Microsoft Graph on the user's behalf
 * (on-behalf-of flow with @azure/msal-node) is not needed for sign-in and not done here.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { env, type Env } from "../../env.js";
import { clock } from "../clock.js";

export interface EntraConfig {
  clientId: string;
  audiences: string[];
  /** Templates with `{tenantid}`; a token's issuer must equal one of them filled with its tid. */
  issuerTemplates: string[];
  jwksUrl: string;
  clockToleranceSeconds: number;
}

export interface EntraIdentity {
  tenantId: string;
  /** The user's object id in the tenant (`oid`), when present. */
  objectId: string | null;
  /** Lower-cased sign-in name: preferred_username, upn or email. */
  username: string;
  name: string | null;
}

export type EntraFailure =
  | "malformed"
  | "no_tenant"
  | "no_username"
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
  const audiences = new Set([clientId, `api://${new URL(e.PUBLIC_URL).host}/${clientId}`]);
  for (const a of e.ENTRA_AUDIENCE?.split(",") ?? []) if (a.trim()) audiences.add(a.trim());
  return {
    clientId,
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
  const username =
    stringClaim(claims, "preferred_username") ?? stringClaim(claims, "upn") ?? stringClaim(claims, "email");
  if (!username || !username.includes("@")) return { ok: false, reason: "no_username" };
  return {
    ok: true,
    claims,
    identity: {
      tenantId: tid,
      objectId: stringClaim(claims, "oid"),
      username: username.toLowerCase(),
      name: stringClaim(claims, "name"),
    },
  };
}
