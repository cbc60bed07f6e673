import crypto from "node:crypto";
import { deriveKey } from "./masterKey.js";

const VERSION = "s1";

/**
 * Authenticated encryption (AES-256-GCM) of small server-side secrets under a purpose key
 * derived from MASTER_KEY. Output: `s1.<iv>.<ciphertext+tag>` in base64url. `aad` binds the
 * value to its row (e.g. a user id) so sealed values cannot be swapped between rows.
 */
export function seal(purpose: string, plaintext: string | Buffer, aad = ""): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", deriveKey(purpose), iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${ct.toString("base64url")}`;
}

export function open(purpose: string, sealed: string, aad = ""): Buffer {
  const [version, ivText, ctText] = sealed.split(".");
  if (version !== VERSION || !ivText || !ctText) throw new Error("sealed value has an unknown format");
  const data = Buffer.from(ctText, "base64url");
  const decipher = crypto.createDecipheriv("aes-256-gcm", deriveKey(purpose), Buffer.from(ivText, "base64url"));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

export function openText(purpose: string, sealed: string, aad = ""): string {
  return open(purpose, sealed, aad).toString("utf8");
}
