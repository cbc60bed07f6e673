import crypto from "node:crypto";
import os from "node:os";
import { promisify } from "node:util";
import { env } from "../env.js";
import { deriveKey } from "./crypto/masterKey.js";

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

/**
 * Today's parameters for password hashes: OWASP's scrypt minimum (N=2^17, r=8, p=1, 128 MiB
 * per hash). `PASSWORD_SCRYPT_LOG2_N` lowers N for tests only (env.ts refuses < 17 in
 * production). Each hash records its own parameters so they can be raised later.
 */
export function currentPasswordParams(): ScryptParams {
  return { N: 2 ** env().PASSWORD_SCRYPT_LOG2_N, r: 8, p: 1, keylen: 32 };
}

/** One-time codes (services/backupCodes.ts): 50 random bits, ten at a time, so a lower cost. */
export const codeParams: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

/**
 * Pepper of password hashes: a key derived from MASTER_KEY (HKDF, its own label) that is in
 * no database column. The stored hash is HMAC-SHA256(pepper, scrypt(password)), so a copy of
 * the database alone cannot confirm a single guess.
 */
function pepper(): Buffer {
  return deriveKey("password-pepper:hash");
}

const PEPPERED = "scrypt+pepper";

interface Parsed {
  peppered: boolean;
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function format(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `${PEPPERED}$N=${params.N},r=${params.r},p=${params.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function parse(stored: string): Parsed | null {
  const m = /^(scrypt|scrypt\+pepper)\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const hash = Buffer.from(m[6], "base64");
  const params = { N: Number(m[2]), r: Number(m[3]), p: Number(m[4]), keylen: hash.length };
  if (params.N > 2 ** 20 || params.r > 32 || params.p > 16) return null;
  return { peppered: m[1] === PEPPERED, params, salt: Buffer.from(m[5], "base64"), hash };
}

/** scrypt over the NFKC form of `secret`, with room for its 128·N·r bytes of memory. */
export function scryptKey(
  secret: string,
  salt: Buffer,
  params: Omit<ScryptParams, "keylen">,
  keylen = 32,
): Promise<Buffer> {
  return scrypt(secret.normalize("NFKC"), salt, keylen, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r,
  });
}

async function derive(secret: string, salt: Buffer, params: ScryptParams, peppered: boolean): Promise<Buffer> {
  const stretched = await scryptKey(secret, salt, params, params.keylen);
  if (!peppered) return stretched;
  return crypto.createHmac("sha256", pepper()).update(stretched).digest().subarray(0, params.keylen);
}

async function hashWith(secret: string, params: ScryptParams): Promise<string> {
  const salt = crypto.randomBytes(16);
  return format(params, salt, await derive(secret, salt, params, true));
}

async function verifyWith(secret: string, stored: string | null | undefined, dummy: ScryptParams): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) {
    // Spend the same time as a real check so unknown accounts are not revealed by timing.
    await derive(secret, crypto.randomBytes(16), dummy, true);
    return false;
  }
  const candidate = await derive(secret, parsed.salt, parsed.params, parsed.peppered);
  return candidate.length === parsed.hash.length && crypto.timingSafeEqual(candidate, parsed.hash);
}

/** Hashes a password: scrypt with today's parameters and a random 16-byte salt, peppered. */
export function hashSecret(password: string): Promise<string> {
  return hashWith(password, currentPasswordParams());
}

/**
 * Constant-time check of a password against a stored hash (peppered, or the older unpeppered
 * `scrypt$…` layout); false for malformed hashes, after the same work as a real check.
 */
export function verifySecret(password: string, stored: string | null | undefined): Promise<boolean> {
  return verifyWith(password, stored, currentPasswordParams());
}

/** True when a stored password hash lacks the pepper or uses weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  const now = currentPasswordParams();
  return (
    !parsed ||
    !parsed.peppered ||
    parsed.params.N < now.N ||
    parsed.params.r < now.r ||
    parsed.params.keylen < now.keylen
  );
}

/** Hashes a one-time code (peppered, `codeParams`). */
export function hashCode(code: string): Promise<string> {
  return hashWith(code, codeParams);
}

/** Constant-time check of a one-time code against its stored hash. */
export function verifyCode(code: string, stored: string | null | undefined): Promise<boolean> {
  return verifyWith(code, stored, codeParams);
}

let slotsFree = Math.max(1, os.availableParallelism());
const waiting: Array<() => void> = [];

/**
 * Runs the password work of one request (a sign-in's check: scrypt of the password, then of
 * the key wrap) with at most one request per core at a time, first come first served. A burst
 * of sign-ins then finishes one after another instead of all at the end (every request's
 * second scrypt would otherwise queue behind every other's first), and libuv's 4 threads stay
 * free for file and DNS work of other requests. Never hold a transaction around it.
 */
export async function withPasswordSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slotsFree > 0) slotsFree -= 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else slotsFree += 1;
  }
}
