import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { ApiToken } from "../models/ApiToken.js";
import { User } from "../models/User.js";
import { sealSessionKeyForToken } from "./keys/userKeys.js";

const PREFIX = "kvt_";
/** last_used_at is written at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;

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
  await ApiToken.create(
    { id, userId: user.id, label, secretHash: sha256Hex(secret), privateKeySealed },
    { transaction: t },
  );
  return { id, token: `${PREFIX}${id}.${secret.toString("base64url")}` };
}

/**
 * The token row, its user and the token key (opens the row's sealed private key) for a
 * presented bearer token, or null (unknown, revoked, wrong secret).
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
  const user = await User.findByPk(row.userId);
  if (!user) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await ApiToken.update({ lastUsedAt: new Date(now) }, { where: { id: row.id } });
  }
  return { token: row, user, tokenKey: tokenKeyOf(secret) };
}

/** The user's tokens that are not revoked, newest first. */
export function listApiTokens(userId: string, t?: Transaction, id?: string): Promise<ApiToken[]> {
  return ApiToken.findAll({
    where: { userId, revokedAt: null, ...(id ? { id } : {}) },
    order: [["createdAt", "DESC"]],
    transaction: t,
  });
}

/** Revokes one of the user's tokens; null when it is not theirs or already revoked. */
export async function revokeApiToken(t: Transaction, userId: string, id: string): Promise<ApiToken | null> {
  const row = await ApiToken.findOne({ where: { id, userId, revokedAt: null }, transaction: t });
  if (!row) return null;
  row.revokedAt = new Date();
  row.privateKeySealed = null;
  await row.save({ transaction: t });
  return row;
}

/**
 * Drops the sealed private key from every token of the user (password change or reset): the
 * tokens keep working for sending, reads answer keys_locked until the add-in signs in again.
 */
export async function clearApiTokenKeys(t: Transaction, userId: string): Promise<void> {
  await ApiToken.update({ privateKeySealed: null }, { where: { userId }, transaction: t });
}
