import crypto from "node:crypto";
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
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", sealKey(sessionKey), iv);
  cipher.setAAD(aad(sessionId));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${ct.toString("base64url")}`;
}

/** The plaintext, or null for a wrong key, another session's value or a tampered one. */
export function openForSession(sessionId: string, sessionKey: Buffer, sealed: string): Buffer | null {
  const [version, ivText, ctText, extra] = sealed.split(".");
  if (version !== VERSION || !ivText || !ctText || extra !== undefined) return null;
  const iv = Buffer.from(ivText, "base64url");
  const data = Buffer.from(ctText, "base64url");
  if (iv.length !== 12 || data.length < 16) return null;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", sealKey(sessionKey), iv);
    decipher.setAAD(aad(sessionId));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}
