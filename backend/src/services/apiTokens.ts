import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { ApiToken } from "../models/ApiToken.js";
import { User } from "../models/User.js";
import { env } from "../env.js";
import { clock } from "./clock.js";
import { sealSessionKeyForToken, tokenPrivateKey } from "./keys/userKeys.js";

const PREFIX = "kvt_";
/** last_used_at is written at most this often per token (so the sliding expiry lags by at most this). */
const TOUCH_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the token ends unless it is used before: API_TOKEN_TTL_DAYS after its last use (or its
 * creation), never later than API_TOKEN_MAX_DAYS after its creation. Computed, not stored, so
 * a shorter configured lifetime applies to existing tokens at once.
 */
export function apiTokenExpiresAt(row: Pick<ApiToken, "createdAt" | "lastUsedAt">): Date {
  const { API_TOKEN_TTL_DAYS, API_TOKEN_MAX_DAYS } = env();
  const created = row.createdAt.getTime();
  const last = Math.max(created, row.lastUsedAt?.getTime() ?? 0);
  return new Date(Math.min(last + API_TOKEN_TTL_DAYS * DAY_MS, created + API_TOKEN_MAX_DAYS * DAY_MS));
}

function sha256Hex(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/** The key that seals the token's copy of the private key; derived from the secret, never stored. */
function tokenKeyOf(secret: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, Buffer.alloc(0), "kuvert:token-key:v1", 32));
}

/** The session whose unlocked private key a new token should carry (a full password sign-in). */
export interface KeySource {
  sessionId: string;
  sessionKey: Buffer;
}

/**
 * Issues a bearer token `kvt_<id>.<secret>` (256-bit secret). Only SHA-256 of the secret is
 * stored (it is random, so a slow hash adds nothing); the token is shown to the caller once.
 * With `from` (a session holding the unlocked key) the private key is re-sealed under a key
 * derived from the secret, so the token can read messages; without it (Microsoft sign-in, no
 * password) the token is key-less and reads answer 403 keys_locked.
 */
export async function issueApiToken(
  t: Transaction,
  user: User,
  label: string,
  from?: KeySource,
): Promise<{ id: string; token: string }> {
  const id = crypto.randomUUID();
  const secret = crypto.randomBytes(32);
  const privateKeySealed = from
    ? await sealSessionKeyForToken(t, from.sessionId, from.sessionKey, id, tokenKeyOf(secret))
    : null;
  // createdAt from the backend clock: the lifetime counts from it.
  await ApiToken.create(
    { id, userId: user.id, label, secretHash: sha256Hex(secret), privateKeySealed, createdAt: clock.now() },
    { transaction: t },
  );
  return { id, token: `${PREFIX}${id}.${secret.toString("base64url")}` };
}

/**
 * The token row, its user and the token key (opens the row's sealed private key) for a
 * presented bearer token, or null (unknown, revoked, expired, wrong secret). A valid use
 * renews the lifetime (last_used_at moves forward), within the absolute maximum.
 */
export async function authenticateApiToken(
  token: string,
): Promise<{ token: ApiToken; user: User; tokenKey: Buffer } | null> {
  const m = /^kvt_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const row = await ApiToken.findByPk(m[1]);
  if (!row || row.revokedAt) return null;
  const expected = Buffer.from(row.secretHash, "hex");
  const secret = Buffer.from(m[2], "base64url");
  const actual = Buffer.from(sha256Hex(secret), "hex");
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return null;
  const now = clock.now().getTime();
  if (now >= apiTokenExpiresAt(row).getTime()) return null;
  const user = await User.findByPk(row.userId);
  if (!user) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    // Not past revocation: a token revoked since it was read is not renewed back to life.
    await ApiToken.update({ lastUsedAt: new Date(now) }, { where: { id: row.id, revokedAt: null } });
    row.lastUsedAt = new Date(now);
  }
  return { token: row, user, tokenKey: tokenKeyOf(secret) };
}

/** The user's tokens that are neither revoked nor expired, newest first. */
export async function listApiTokens(userId: string, t?: Transaction, id?: string): Promise<ApiToken[]> {
  const rows = await ApiToken.findAll({
    where: { userId, revokedAt: null, ...(id ? { id } : {}) },
    order: [["createdAt", "DESC"]],
    transaction: t,
  });
  const now = clock.now().getTime();
  return rows.filter((r) => apiTokenExpiresAt(r).getTime() > now);
}

/**
 * The live token of a bearer request and whether it carries the private key (its seal opens with
 * the presented secret's token key), or null when it is gone.
 */
export async function currentApiToken(
  tokenId: string,
  tokenKey: Buffer,
): Promise<{ row: ApiToken; keyUnlocked: boolean } | null> {
  const row = await ApiToken.findOne({ where: { id: tokenId, revokedAt: null } });
  if (!row) return null;
  return { row, keyUnlocked: (await tokenPrivateKey(tokenId, tokenKey)) !== null };
}

/** Revokes one of the user's tokens; null when it is not theirs or already revoked. */
export async function revokeApiToken(t: Transaction, userId: string, id: string): Promise<ApiToken | null> {
  const row = await ApiToken.findOne({ where: { id, userId, revokedAt: null }, transaction: t });
  if (!row) return null;
  row.revokedAt = clock.now();
  row.privateKeySealed = null;
  await row.save({ transaction: t });
  return row;
}

/**
 * Ends every live token of the user (sign out everywhere, password change, password reset):
 * the rows are revoked and their sealed keys dropped, so a stolen token can neither read nor
 * send. Returns how many ended.
 */
export async function revokeAllApiTokens(t: Transaction, userId: string): Promise<number> {
  const [count] = await ApiToken.update(
    { revokedAt: clock.now(), privateKeySealed: null },
    { where: { userId, revokedAt: null }, transaction: t },
  );
  return count;
}
