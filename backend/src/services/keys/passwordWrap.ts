import crypto from "node:crypto";
import { currentPasswordParams, scryptKey } from "../passwords.js";
import { deriveKey } from "../crypto/masterKey.js";
import {
  fromBase64url,
  IV_BYTES,
  openBytes,
  sealBytes,
  SealError,
  TAG_BYTES,
  type SealedBytes,
} from "../crypto/aesGcm.js";

/**
 * Wrapping of a private key under a key derived from the user's password.
 *
 * The wrapping key comes from its own scrypt run with its own random salt, so it has nothing
 * in common with the password verifier in users.password_hash. The wrapped value is JSON:
 * `{"v":2,"kdf":"scrypt","N","r","p","salt","iv","ct"}` (base64url), AES-256-GCM with the
 * 16-byte tag at the end of `ct` and the AAD `kuvert:pk-password:v2:<userId>`, so a wrapped
 * key copied to another user's row does not open. In v2 the key-encryption key is
 * HMAC-SHA256(pepper, scrypt(password)) with a pepper derived from MASTER_KEY, so the GCM tag
 * does not confirm a password guess to someone who has only the database. v1 (no pepper,
 * AAD `…:v1:…`) still opens and is re-wrapped at the next sign-in (`needsRewrap`).
 */
export interface PasswordWrapped {
  v: 1 | 2;
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  ct: string;
}

/** Today's wrapping parameters: the same cost as password hashes (services/passwords.ts). */
export function wrapParams(): { N: number; r: number; p: number } {
  const { N, r, p } = currentPasswordParams();
  return { N, r, p };
}

function aad(userId: string, v: 1 | 2): Buffer {
  return Buffer.from(`kuvert:pk-password:v${v}:${userId}`);
}

async function deriveWrappingKey(
  password: string,
  salt: Buffer,
  p: { v: 1 | 2; N: number; r: number; p: number },
): Promise<Buffer> {
  const stretched = await scryptKey(password, salt, p);
  if (p.v === 1) return stretched;
  return crypto.createHmac("sha256", deriveKey("password-pepper:wrap")).update(stretched).digest();
}

export async function wrapWithPassword(userId: string, password: string, plaintext: Buffer): Promise<string> {
  const salt = crypto.randomBytes(16);
  const params = { v: 2 as const, ...wrapParams() };
  const key = await deriveWrappingKey(password, salt, params);
  const { iv, data: ct } = sealBytes(key, plaintext, aad(userId, 2));
  key.fill(0);
  const wrapped: PasswordWrapped = {
    v: 2,
    kdf: "scrypt",
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString("base64url"),
    iv: iv.toString("base64url"),
    ct: ct.toString("base64url"),
  };
  return JSON.stringify(wrapped);
}

/** True when a wrapped key lacks the pepper (v1) or uses weaker scrypt parameters than today's. */
export function needsRewrap(stored: string): boolean {
  const w = parseWrapped(stored);
  const now = wrapParams();
  return !w || w.v !== 2 || w.N < now.N || w.r < now.r;
}

function parseWrapped(stored: string): PasswordWrapped | null {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const w = value as Partial<PasswordWrapped>;
  const okNumber = (n: unknown, max: number) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= max;
  if (
    (w.v !== 1 && w.v !== 2) ||
    w.kdf !== "scrypt" ||
    !okNumber(w.N, 2 ** 20) ||
    !okNumber(w.r, 32) ||
    !okNumber(w.p, 16)
  )
    return null;
  if (typeof w.salt !== "string" || typeof w.iv !== "string" || typeof w.ct !== "string") return null;
  return w as PasswordWrapped;
}

/** The plaintext, or null when the password is wrong or the value was tampered with. */
export async function unwrapWithPassword(userId: string, password: string, stored: string): Promise<Buffer | null> {
  const w = parseWrapped(stored);
  if (!w) return null;
  let salt: Buffer;
  let sealed: SealedBytes;
  try {
    salt = fromBase64url(w.salt);
    sealed = { iv: fromBase64url(w.iv), data: fromBase64url(w.ct) };
  } catch {
    return null;
  }
  if (sealed.iv.length !== IV_BYTES || sealed.data.length < TAG_BYTES) return null;
  const key = await deriveWrappingKey(password, salt, w);
  try {
    return openBytes(key, sealed, aad(userId, w.v));
  } catch (err) {
    if (err instanceof SealError) return null;
    throw err;
  }
}
