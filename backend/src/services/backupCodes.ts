import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { BackupCode } from "../models/BackupCode.js";
import { hashCode, verifyCode } from "./passwords.js";
import { deriveKey } from "./crypto/masterKey.js";
import { clock } from "./clock.js";

export const BACKUP_CODE_COUNT = 10;
/** Crockford-like alphabet without look-alikes (0/o, 1/l/i); 10 characters = 50 bits. */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const LENGTH = 10;

/** One code, shown to the user as `xxxxx-xxxxx`. */
export function generateBackupCode(): string {
  let out = "";
  for (let i = 0; i < LENGTH; i++) out += ALPHABET[crypto.randomInt(0, ALPHABET.length)];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** What is compared: lower case, without spaces and hyphens. */
export function normaliseBackupCode(code: string): string {
  return code.replace(/[\s-]/g, "").toLowerCase();
}

/**
 * A 16-bit tag of the code under a server key, stored in front of its scrypt hash so a check
 * runs one scrypt instead of ten. Without MASTER_KEY it reveals nothing; with it, 16 of the
 * 50 bits (the rest still costs a scrypt per guess).
 */
function selector(userId: string, normalised: string): string {
  return crypto
    .createHmac("sha256", deriveKey("backup-code-selector"))
    .update(`${userId}\0${normalised}`)
    .digest("hex")
    .slice(0, 4);
}

function splitStored(stored: string): { tag: string; hash: string } {
  const i = stored.indexOf(":");
  return i === 4 ? { tag: stored.slice(0, 4), hash: stored.slice(5) } : { tag: "", hash: stored };
}

/** Looks like a one-time code (as opposed to a 6-digit SMS code). */
export function isBackupCodeShape(code: string): boolean {
  const n = normaliseBackupCode(code);
  return n.length === LENGTH && [...n].every((c) => ALPHABET.includes(c));
}

/**
 * Replaces the user's set with 10 new codes, hashed with scrypt (services/passwords.ts: the
 * codes have far less than 112 bits, so a fast hash would not do). Returns them to show once.
 */
export async function generateBackupCodes(t: Transaction, userId: string): Promise<string[]> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, generateBackupCode);
  const hashes = await Promise.all(
    codes.map(async (c) => `${selector(userId, normaliseBackupCode(c))}:${await hashCode(normaliseBackupCode(c))}`),
  );
  await BackupCode.destroy({ where: { userId }, transaction: t });
  await BackupCode.bulkCreate(
    hashes.map((codeHash) => ({ userId, codeHash })),
    { transaction: t },
  );
  return codes;
}

export async function remainingBackupCodes(userId: string, t: Transaction | null): Promise<number> {
  return BackupCode.count({ where: { userId, usedAt: null }, transaction: t });
}

/**
 * Uses a code: true once for each code of the current set. The code is marked used by a
 * conditional update, so two parallel uses of one code cannot both succeed. Malformed input
 * costs no hashing (it can never match); any other try costs one scrypt. Callers rate-limit tries.
 */
export async function useBackupCode(t: Transaction, userId: string, code: string): Promise<boolean> {
  if (!isBackupCodeShape(code)) return false;
  const normalised = normaliseBackupCode(code);
  const rows = await BackupCode.findAll({ where: { userId, usedAt: null }, transaction: t });
  const tag = selector(userId, normalised);
  const candidates = rows.filter((r) => splitStored(r.codeHash).tag === tag);
  // Usually one candidate (10 codes over 65,536 tags); each is checked with scrypt in constant time.
  const matches = await Promise.all(candidates.map((r) => verifyCode(normalised, splitStored(r.codeHash).hash)));
  // No candidate: spend one scrypt anyway, so a miss takes as long as a near miss.
  if (candidates.length === 0) await verifyCode(normalised, null);
  const hit = candidates.find((_, i) => matches[i]);
  if (!hit) return false;
  const [used] = await BackupCode.update(
    { usedAt: clock.now() },
    { where: { id: hit.id, usedAt: null }, transaction: t },
  );
  return used === 1;
}

export async function deleteBackupCodes(t: Transaction, userId: string): Promise<void> {
  await BackupCode.destroy({ where: { userId }, transaction: t });
}
