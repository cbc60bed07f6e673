import crypto from "node:crypto";
import { promisify } from "node:util";
import {
  fromBase64url,
  IV_BYTES,
  openBytes,
  sealBytes,
  SealError,
  TAG_BYTES,
  type SealedBytes,
} from "../crypto/aesGcm.js";

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/**
 * Wrapping of a private key under a key derived from the user's password.
 *
 * The wrapping key comes from its own scrypt run with its own random salt, so it has nothing
 * in common with the password verifier in users.password_hash. The wrapped value is JSON:
 * `{"v":1,"kdf":"scrypt","N","r","p","salt","iv","ct"}` (base64url), AES-256-GCM with the
 * 16-byte tag at the end of `ct` and the AAD `kuvert:pk-password:v1:<userId>`, so a wrapped
 * key copied to another user's row does not open.
 */
export interface PasswordWrapped {
  v: 1;
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  ct: string;
}

export const wrapParams = { N: 2 ** 15, r: 8, p: 1 };

function aad(userId: string): Buffer {
  return Buffer.from(`kuvert:pk-password:v1:${userId}`);
}

function deriveWrappingKey(password: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return scrypt(password.normalize("NFKC"), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r });
}

export async function wrapWithPassword(userId: string, password: string, plaintext: Buffer): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await deriveWrappingKey(password, salt, wrapParams);
  const { iv, data: ct } = sealBytes(key, plaintext, aad(userId));
  const wrapped: PasswordWrapped = {
    v: 1,
    kdf: "scrypt",
    ...wrapParams,
    salt: salt.toString("base64url"),
    iv: iv.toString("base64url"),
    ct: ct.toString("base64url"),
  };
  return JSON.stringify(wrapped);
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
  if (w.v !== 1 || w.kdf !== "scrypt" || !okNumber(w.N, 2 ** 20) || !okNumber(w.r, 32) || !okNumber(w.p, 16))
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
    return openBytes(key, sealed, aad(userId));
  } catch (err) {
    if (err instanceof SealError) return null;
    throw err;
  }
}
