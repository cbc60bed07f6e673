import crypto from "node:crypto";
import { promisify } from "node:util";

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
  const iv = crypto.randomBytes(12);
  const key = await deriveWrappingKey(password, salt, wrapParams);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(userId));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
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
  const key = await deriveWrappingKey(password, Buffer.from(w.salt, "base64url"), w);
  const iv = Buffer.from(w.iv, "base64url");
  const data = Buffer.from(w.ct, "base64url");
  if (iv.length !== 12 || data.length < 16) return null;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}
