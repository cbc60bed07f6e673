import { openFromText, sealToText } from "./aesGcm.js";
import { deriveKey } from "./masterKey.js";

const VERSION = "s1";

/**
 * Authenticated encryption (AES-256-GCM) of small server-side secrets under a purpose key
 * derived from MASTER_KEY. Output: `s1.<iv>.<ciphertext+tag>` in base64url. `aad` binds the
 * value to its row (e.g. a user id) so sealed values cannot be swapped between rows.
 */
export function seal(purpose: string, plaintext: string | Buffer, aad = ""): string {
  return sealToText(VERSION, deriveKey(purpose), plaintext, aad);
}

/** The plaintext; throws SealError for another purpose or AAD, tampering or a malformed value. */
export function open(purpose: string, sealed: string, aad = ""): Buffer {
  return openFromText(VERSION, deriveKey(purpose), sealed, aad);
}

export function openText(purpose: string, sealed: string, aad = ""): string {
  return open(purpose, sealed, aad).toString("utf8");
}
