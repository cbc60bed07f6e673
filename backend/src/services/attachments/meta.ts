import crypto from "node:crypto";
import type { AttachmentInfo } from "../messages/content.js";

/**
 * Attachment metadata (name, type, size) of a draft, kept on the attachment row until send puts
 * it into the content JWE. Encrypted under a key derived from the message CEK, so it is as
 * unreadable as the content without a reader's private key (S1, S2):
 * `m1.<iv>.<ciphertext+tag>` (base64url), AES-256-GCM under
 * HKDF-SHA256(CEK, "", "kuvert:attachment-meta:v1:" + attachmentId), AAD = messageId.
 */
const VERSION = "m1";

function metaKey(cek: Buffer, attachmentId: string): Buffer {
  return Buffer.from(
    crypto.hkdfSync(
      "sha256",
      cek,
      Buffer.alloc(0),
      Buffer.from(`kuvert:attachment-meta:v1:${attachmentId}`, "utf8"),
      32,
    ),
  );
}

export function sealAttachmentInfo(cek: Buffer, messageId: string, meta: AttachmentInfo): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", metaKey(cek, meta.id), iv);
  cipher.setAAD(Buffer.from(messageId, "utf8"));
  const plain = Buffer.from(JSON.stringify({ name: meta.name, type: meta.type, size: meta.size }), "utf8");
  const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${ct.toString("base64url")}`;
}

/** The metadata, or null when the value does not open (wrong key, other message, tampered). */
export function openAttachmentInfo(
  cek: Buffer,
  messageId: string,
  attachmentId: string,
  sealed: string,
): AttachmentInfo | null {
  const [version, ivText, ctText] = sealed.split(".");
  if (version !== VERSION || !ivText || !ctText) return null;
  try {
    const data = Buffer.from(ctText, "base64url");
    const decipher = crypto.createDecipheriv(
      "aes-256-gcm",
      metaKey(cek, attachmentId),
      Buffer.from(ivText, "base64url"),
    );
    decipher.setAAD(Buffer.from(messageId, "utf8"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
    const v = JSON.parse(plain.toString("utf8")) as { name: string; type: string; size: number };
    return { id: attachmentId, name: v.name, type: v.type, size: v.size };
  } catch {
    return null;
  }
}
