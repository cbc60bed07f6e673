import crypto from "node:crypto";
import { openFromText, sealToText, SealError } from "../crypto/aesGcm.js";
import { deriveKey } from "../crypto/masterKey.js";

/**
 * Sealing of a user's unwrapped private key for one session. The key is derived with HKDF
 * from the 32-byte session secret (which lives only in the session cookie) salted with a
 * MASTER_KEY-derived key, so neither a database dump nor a stolen cookie alone opens it.
 * Format: `k1.<iv>.<ciphertext+tag>` (base64url), AES-256-GCM, AAD binds the session id.
 */
const VERSION = "k1";

function sealKey(sessionKey: Buffer): Buffer {
  if (sessionKey.length < 32) throw new Error("session key must be at least 32 bytes");
  return Buffer.from(
    crypto.hkdfSync("sha256", sessionKey, deriveKey("session-private-key"), "kuvert:session-pk:v1", 32),
  );
}

function aad(sessionId: string): Buffer {
  return Buffer.from(`kuvert:session-pk:v1:${sessionId}`);
}

export function sealForSession(sessionId: string, sessionKey: Buffer, plaintext: Buffer): string {
  return sealToText(VERSION, sealKey(sessionKey), plaintext, aad(sessionId));
}

/** The plaintext, or null for a wrong key, another session's value or a tampered one. */
export function openForSession(sessionId: string, sessionKey: Buffer, sealed: string): Buffer | null {
  try {
    return openFromText(VERSION, sealKey(sessionKey), sealed, aad(sessionId));
  } catch (err) {
    if (err instanceof SealError) return null;
    throw err;
  }
}
