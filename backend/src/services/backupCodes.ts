import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { BackupCode } from "../models/BackupCode.js";
import { hashSecret, verifySecret } from "./passwords.js";
import { codeClock } from "./codeClock.js";

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
  const hashes = await Promise.all(codes.map((c) => hashSecret(normaliseBackupCode(c))));
  await BackupCode.destroy({ where: { userId }, transaction: t });
  await BackupCode.bulkCreate(hashes.map((codeHash) => ({ userId, codeHash })), { transaction: t });
  return codes;
}

export async function remainingBackupCodes(userId: string, t?: Transaction): Promise<number> {
  return BackupCode.count({ where: { userId, usedAt: null }, transaction: t });
}

/**
 * Uses a code: true once for each code of the current set. The code is marked used by a
 * conditional update, so two parallel uses of one code cannot both succeed. Malformed input
 * costs no hashing (it can never match). Callers rate-limit tries.
 */
export async function useBackupCode(t: Transaction, userId: string, code: string): Promise<boolean> {
  if (!isBackupCodeShape(code)) return false;
  const normalised = normaliseBackupCode(code);
  const rows = await BackupCode.findAll({ where: { userId, usedAt: null }, transaction: t });
  for (const r of rows) {
    if (await verifySecret(normalised, r.codeHash)) {
      const [used] = await BackupCode.update({ usedAt: codeClock.now() }, { where: { id: r.id, usedAt: null }, transaction: t });
      return used === 1;
    }
  }
  return false;
}

export async function deleteBackupCodes(t: Transaction, userId: string): Promise<void> {
  await BackupCode.destroy({ where: { userId }, transaction: t });
}
