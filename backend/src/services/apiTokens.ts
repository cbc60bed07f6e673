import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { ApiToken } from "../models/ApiToken.js";
import { User } from "../models/User.js";

const PREFIX = "kvt_";
/** last_used_at is written at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;

function sha256Hex(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/**
 * Issues a bearer token `kvt_<id>.<secret>` (256-bit secret). Only SHA-256 of the secret is
 * stored (it is random, so a slow hash adds nothing); the token is shown to the caller once.
 */
export async function issueApiToken(t: Transaction, user: User, label: string): Promise<{ id: string; token: string }> {
  const secret = crypto.randomBytes(32);
  const row = await ApiToken.create({ userId: user.id, label, secretHash: sha256Hex(secret) }, { transaction: t });
  return { id: row.id, token: `${PREFIX}${row.id}.${secret.toString("base64url")}` };
}

/** The token row and its user for a presented bearer token, or null (unknown, revoked, wrong secret). */
export async function authenticateApiToken(token: string): Promise<{ token: ApiToken; user: User } | null> {
  const m = /^kvt_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const row = await ApiToken.findByPk(m[1]);
  if (!row || row.revokedAt) return null;
  const expected = Buffer.from(row.secretHash, "hex");
  const actual = Buffer.from(sha256Hex(Buffer.from(m[2], "base64url")), "hex");
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return null;
  const user = await User.findByPk(row.userId);
  if (!user) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await ApiToken.update({ lastUsedAt: new Date(now) }, { where: { id: row.id } });
  }
  return { token: row, user };
}

/** The user's tokens that are not revoked, newest first. */
export function listApiTokens(userId: string, t?: Transaction, id?: string): Promise<ApiToken[]> {
  return ApiToken.findAll({ where: { userId, revokedAt: null, ...(id ? { id } : {}) }, order: [["createdAt", "DESC"]], transaction: t });
}

/** Revokes one of the user's tokens; null when it is not theirs or already revoked. */
export async function revokeApiToken(t: Transaction, userId: string, id: string): Promise<ApiToken | null> {
  const row = await ApiToken.findOne({ where: { id, userId, revokedAt: null }, transaction: t });
  if (!row) return null;
  row.revokedAt = new Date();
  await row.save({ transaction: t });
  return row;
}
