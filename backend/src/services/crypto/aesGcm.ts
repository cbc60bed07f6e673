import crypto from "node:crypto";

/**
 * The one AES-256-GCM helper for server-side sealed values (MASTER_KEY-sealed secrets, session
 * private keys, draft attachment metadata, password-wrapped private keys). Each caller keeps its
 * stored layout; the cipher, the lengths and the checks live here:
 * key 32 bytes, IV 12 bytes (random), tag 16 bytes appended to the ciphertext.
 */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** A value that does not open: wrong key or AAD, tampered, truncated or malformed. */
export class SealError extends Error {
  override name = "SealError";
}

export interface SealedBytes {
  iv: Buffer;
  /** Ciphertext followed by the 16-byte tag. */
  data: Buffer;
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SealError(`key must be ${KEY_BYTES} bytes`);
}

/** Encrypts `plaintext` under `key` with a fresh random IV; `aad` binds the value to its context. */
export function sealBytes(key: Buffer, plaintext: Buffer | string, aad: Buffer | string = ""): SealedBytes {
  checkKey(key);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, data };
}

/** The plaintext of a sealed value; SealError for a wrong key or AAD, tampering or wrong lengths. */
export function openBytes(key: Buffer, sealed: SealedBytes, aad: Buffer | string = ""): Buffer {
  checkKey(key);
  const { iv, data } = sealed;
  if (iv.length !== IV_BYTES) throw new SealError(`IV must be ${IV_BYTES} bytes`);
  if (data.length < TAG_BYTES) throw new SealError("sealed value is shorter than its tag");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealError("sealed value does not open");
  }
}

/** Strict base64url (no padding, no other characters, canonical), as written by Buffer#toString. */
export function fromBase64url(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SealError("invalid base64url");
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) throw new SealError("invalid base64url");
  return bytes;
}

/** `<version>.<iv>.<ciphertext+tag>` in base64url: the text form of three of the sealed formats. */
export function sealToText(
  version: string,
  key: Buffer,
  plaintext: Buffer | string,
  aad: Buffer | string = "",
): string {
  const { iv, data } = sealBytes(key, plaintext, aad);
  return `${version}.${iv.toString("base64url")}.${data.toString("base64url")}`;
}

/** Opens the text form; SealError for another version, extra or missing parts, or a value that does not open. */
export function openFromText(version: string, key: Buffer, text: string, aad: Buffer | string = ""): Buffer {
  const parts = typeof text === "string" ? text.split(".") : [];
  if (parts.length !== 3 || parts[0] !== version) throw new SealError("sealed value has an unknown format");
  return openBytes(key, { iv: fromBase64url(parts[1]), data: fromBase64url(parts[2]) }, aad);
}
