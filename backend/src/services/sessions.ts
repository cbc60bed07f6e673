import type jose from "node-jose";
import crypto from "node:crypto";
import type { ParameterizedContext } from "koa";
import { Op, type Transaction } from "sequelize";
import { Session, type SessionStage } from "../models/Session.js";
import type { User } from "../models/User.js";
import { env } from "../env.js";
import { appError } from "../errors.js";
import { resealSessionKey } from "./keys/userKeys.js";
import { clock } from "./clock.js";
import { sessionTimeoutsFor } from "./sessionTimeouts.js";

/**
 * Cookie names: `__Host-kuvert_session` and `__Host-kuvert_csrf` in production (the browser
 * then only accepts them Secure, Path=/ and without Domain, so a sibling subdomain cannot plant
 * or overwrite them), plain `kuvert_session` / `kuvert_csrf` over http in development and tests.
 */
export function sessionCookieName(): string {
  return `${env().isProduction ? "__Host-" : ""}kuvert_session`;
}
export function csrfCookieName(): string {
  return `${env().isProduction ? "__Host-" : ""}kuvert_csrf`;
}
/** A partial session (password done, second factor due) lives at most this long. */
export const PARTIAL_SESSION_SECONDS = 10 * 60;
/** last_seen_at is written at most this often per session (idle timeout granularity). */
const TOUCH_INTERVAL_MS = 60_000;

type Ctx = ParameterizedContext;

export interface AuthState {
  user: User;
  via: "session" | "token";
  sessionId: string | null;
  tokenId: string | null;
  stage: SessionStage;
  /** 32 bytes derived from the secret in the session cookie; never stored server-side. */
  sessionKey: Buffer | null;
  /** Bearer requests: 32 bytes derived from the token secret (opens the token's sealed key). */
  tokenKey?: Buffer | null;
  /**
   * Acting as a shared mailbox (F25): `user` is the mailbox's identity and this key ring (its
   * key versions, unwrapped with the member's own key) stands in for the session's key.
   */
  actingKey?: jose.JWK.Key | null;
}

export interface LoadedSession {
  session: Session;
  sessionKey: Buffer;
  csrfToken: string;
}

function sha256Hex(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function derive(secret: Buffer, info: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, Buffer.alloc(0), info, 32));
}

/** The session key (for sealing the private key) and the CSRF token both come from the cookie secret. */
function sessionKeyOf(secret: Buffer): Buffer {
  return derive(secret, "kuvert:session-key:v1");
}
function csrfTokenOf(secret: Buffer): string {
  return derive(secret, "kuvert:csrf:v1").toString("base64url");
}

function cookieOptions(httpOnly: boolean) {
  return {
    httpOnly,
    sameSite: "lax" as const,
    secure: env().isProduction,
    path: "/",
    overwrite: true,
  };
}

export const HttpsRequiredError = () =>
  appError(
    "https_required",
    "This server only sets its sign-in cookies over HTTPS; the request arrived without TLS (check TRUST_PROXY and X-Forwarded-Proto)",
  );

/**
 * Secure cookies need a request the server knows came over TLS (directly or, with TRUST_PROXY,
 * X-Forwarded-Proto: https); otherwise a clear 400 instead of the cookie library's 500.
 */
function assertCookiesCanBeSet(ctx: Ctx): void {
  if (env().isProduction && !ctx.secure) throw HttpsRequiredError();
}

function setCookies(ctx: Ctx, id: string, secret: Buffer): void {
  assertCookiesCanBeSet(ctx);
  ctx.cookies.set(sessionCookieName(), `${id}.${secret.toString("base64url")}`, cookieOptions(true));
  ctx.cookies.set(csrfCookieName(), csrfTokenOf(secret), cookieOptions(false));
}

/** Removes the session and CSRF cookies from the browser (sign-out, account deleted). */
export function clearSessionCookies(ctx: Ctx): void {
  assertCookiesCanBeSet(ctx);
  ctx.cookies.set(sessionCookieName(), "", { ...cookieOptions(true), maxAge: 0 });
  ctx.cookies.set(csrfCookieName(), "", { ...cookieOptions(false), maxAge: 0 });
}

function parseCookie(value: string | undefined): { id: string; secret: Buffer } | null {
  if (!value) return null;
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return m ? { id: m[1], secret: Buffer.from(m[2], "base64url") } : null;
}

function secretMatches(session: Session, secret: Buffer): boolean {
  const expected = Buffer.from(session.secretHash, "hex");
  const actual = Buffer.from(sha256Hex(secret), "hex");
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

function idleTimeoutMs(s: Session): number {
  return (s.idleTimeoutSeconds ?? env().SESSION_IDLE_TIMEOUT_SECONDS) * 1000;
}

/**
 * Idle and absolute timeouts (the organisation's, fixed when the session was made, or the
 * operator's); a partial session additionally ends after PARTIAL_SESSION_SECONDS.
 */
function expired(s: Session, now: number): boolean {
  return now - s.lastSeenAt.getTime() > idleTimeoutMs(s) || now >= s.expiresAt.getTime();
}

/**
 * The session named by the request's cookie, when the secret matches and it has not timed out.
 * Expired rows are deleted. Refreshes last_seen_at (sliding idle timeout).
 */
export async function loadSession(ctx: Ctx): Promise<LoadedSession | null> {
  const parsed = parseCookie(ctx.cookies.get(sessionCookieName()));
  if (!parsed) return null;
  const session = await Session.findByPk(parsed.id);
  if (!session) return null;
  if (!secretMatches(session, parsed.secret)) return null;
  const now = clock.now().getTime();
  if (expired(session, now)) {
    await session.destroy();
    return null;
  }
  const touchEvery = Math.min(TOUCH_INTERVAL_MS, idleTimeoutMs(session) / 10);
  if (now - session.lastSeenAt.getTime() >= touchEvery) {
    await Session.update({ lastSeenAt: new Date(now) }, { where: { id: session.id } });
    session.lastSeenAt = new Date(now);
  }
  return { session, sessionKey: sessionKeyOf(parsed.secret), csrfToken: csrfTokenOf(parsed.secret) };
}

async function insertSession(
  ctx: Ctx,
  t: Transaction,
  user: User,
  stage: SessionStage,
): Promise<{ session: Session; secret: Buffer }> {
  const secret = crypto.randomBytes(32);
  const now = clock.now();
  const timeouts = await sessionTimeoutsFor(user, t);
  const lifetime = Math.min(timeouts.absoluteSeconds, stage === "full" ? Infinity : PARTIAL_SESSION_SECONDS);
  const session = await Session.create(
    {
      userId: user.id,
      secretHash: sha256Hex(secret),
      stage,
      ip: ctx.ip?.slice(0, 64) || null,
      userAgent: ctx.get("User-Agent").slice(0, 300) || null,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + lifetime * 1000),
      idleTimeoutSeconds: timeouts.idleSeconds,
    },
    { transaction: t },
  );
  return { session, secret };
}

function setAuth(ctx: Ctx, user: User, session: Session, secret: Buffer): void {
  const auth: AuthState = {
    user,
    via: "session",
    sessionId: session.id,
    tokenId: null,
    stage: session.stage,
    sessionKey: sessionKeyOf(secret),
  };
  ctx.state.auth = auth;
}

/**
 * Starts a new session for `user` with a fresh id and secret (never one the client brought:
 * session fixation), deletes the session the request came with, and sets the cookies
 * kuvert_session (HttpOnly) and kuvert_csrf (`__Host-` in production). Afterwards ctx.state.auth is the new session.
 */
export async function createSession(ctx: Ctx, t: Transaction, user: User, stage: SessionStage): Promise<Session> {
  const previous = parseCookie(ctx.cookies.get(sessionCookieName()));
  if (previous) {
    const old = await Session.findByPk(previous.id, { transaction: t });
    if (old && secretMatches(old, previous.secret)) await old.destroy({ transaction: t });
  }
  const { session, secret } = await insertSession(ctx, t, user, stage);
  setCookies(ctx, session.id, secret);
  setAuth(ctx, user, session, secret);
  return session;
}

/**
 * Replaces the request's session with a new one (new id and secret) at a change of privilege:
 * partial → full after the second factor, or after a password change. The sealed private key
 * moves over; the old row is deleted.
 */
export async function upgradeSession(ctx: Ctx, t: Transaction, stage: SessionStage): Promise<Session> {
  const auth = ctx.state.auth as AuthState | undefined;
  if (!auth || auth.via !== "session" || !auth.sessionId || !auth.sessionKey)
    throw new Error("upgradeSession needs a session");
  const { session, secret } = await insertSession(ctx, t, auth.user, stage);
  await resealSessionKey(t, auth.sessionId, auth.sessionKey, session.id, sessionKeyOf(secret));
  await Session.destroy({ where: { id: auth.sessionId }, transaction: t });
  setCookies(ctx, session.id, secret);
  setAuth(ctx, auth.user, session, secret);
  return session;
}

/** Ends the request's session (row and cookies). */
export async function destroySession(ctx: Ctx, t: Transaction): Promise<void> {
  const auth = ctx.state.auth as AuthState | undefined;
  const id = auth?.sessionId ?? parseCookie(ctx.cookies.get(sessionCookieName()))?.id;
  if (id && (auth?.sessionId || (await loadSession(ctx)))) await Session.destroy({ where: { id }, transaction: t });
  clearSessionCookies(ctx);
}

/** Deletes every session of a user except `exceptSessionId`; returns how many. */
export async function revokeAllSessions(
  t: Transaction,
  userId: string,
  exceptSessionId?: string | null,
): Promise<number> {
  const where = exceptSessionId ? { userId, id: { [Op.ne]: exceptSessionId } } : { userId };
  return Session.destroy({ where, transaction: t });
}

/** Active (not timed-out) sessions of a user, newest first. */
export async function listSessions(userId: string): Promise<Session[]> {
  const now = clock.now().getTime();
  const rows = await Session.findAll({ where: { userId }, order: [["createdAt", "DESC"]] });
  return rows.filter((s) => !expired(s, now));
}
