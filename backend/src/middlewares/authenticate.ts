import crypto from "node:crypto";
import type { Middleware, ParameterizedContext } from "koa";
import { AuthenticationRequiredError, ForbiddenError, appError } from "../errors.js";
import { User, type Role } from "../models/User.js";
import { csrfCookieName, loadSession, type AuthState } from "../services/sessions.js";
import { authenticateApiToken } from "../services/apiTokens.js";

export type { AuthState } from "../services/sessions.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const CsrfFailedError = () => appError("csrf_failed", "The request is missing a valid X-CSRF-Token header");

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Only active users may act; a deactivated user's sessions and tokens stop working at once. */
function usable(user: User | null): user is User {
  return !!user && user.status === "active";
}

async function fromBearer(header: string): Promise<AuthState> {
  const found = await authenticateApiToken(header.slice("Bearer ".length).trim());
  // Unknown, revoked (sign-out-everywhere, password change or reset) or expired: one answer.
  if (!found || !usable(found.user)) throw appError("invalid_token", "The API token is not valid, expired or revoked");
  return {
    user: found.user,
    via: "token",
    sessionId: null,
    tokenId: found.token.id,
    stage: "full",
    sessionKey: null,
    tokenKey: found.tokenKey,
  };
}

interface StageOptions {
  allowPartial?: boolean;
  allowSetup?: boolean;
}

async function fromCookie(ctx: ParameterizedContext, opts: StageOptions): Promise<AuthState> {
  const loaded = await loadSession(ctx);
  if (!loaded) throw AuthenticationRequiredError();
  const { session, sessionKey, csrfToken } = loaded;
  if (session.stage === "partial" && !opts.allowPartial)
    throw AuthenticationRequiredError("Complete the second factor to continue");
  if (session.stage === "setup" && !opts.allowSetup)
    throw AuthenticationRequiredError("Turn on two-step verification to continue");
  const user = await User.findByPk(session.userId);
  if (!usable(user)) {
    await session.destroy();
    throw AuthenticationRequiredError();
  }
  if (!SAFE_METHODS.has(ctx.method)) {
    // Double submit, bound to the session: the header must equal the cookie, and both must be
    // the token derived from this session's secret (a planted cookie does not pass).
    const header = ctx.get("X-CSRF-Token");
    const cookie = ctx.cookies.get(csrfCookieName()) ?? "";
    if (!header || !sameSecret(header, cookie) || !sameSecret(header, csrfToken)) throw CsrfFailedError();
  }
  return { user, via: "session", sessionId: session.id, tokenId: null, stage: session.stage, sessionKey };
}

/**
 * Requires a valid session cookie (401 `authentication_required`) or bearer token (401
 * `invalid_token`: unknown, revoked or expired; a valid use renews it). Cookie
 * requests that change state must carry X-CSRF-Token (403 `csrf_failed`); bearer requests need
 * none. Partial sessions (second factor due) pass only with `allowPartial`, setup sessions (a
 * second factor the organisation requires is still to be turned on) only with `allowSetup`; `roles` limits
 * who may call (403). Sets ctx.state.auth.
 */
export function authenticated(opts: StageOptions & { roles?: Role[] } = {}): Middleware {
  return async (ctx, next) => {
    const header = ctx.get("Authorization");
    const auth = /^Bearer\s/i.test(header) ? await fromBearer(header) : await fromCookie(ctx, opts);
    if (opts.roles && !opts.roles.includes(auth.user.role)) throw ForbiddenError();
    ctx.state.auth = auth;
    await next();
  };
}

/** The request's authentication; only inside routes behind authenticated(). */
export function authState(ctx: ParameterizedContext): AuthState {
  const auth = ctx.state.auth as AuthState | undefined;
  if (!auth) throw AuthenticationRequiredError();
  return auth;
}

export function currentUser(ctx: ParameterizedContext): User {
  return authState(ctx).user;
}
