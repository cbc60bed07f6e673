import crypto from "node:crypto";
import { AttachmentInfoSchema, type AttachmentInfo } from "../messageFormat/content.js";
import { openFromText, sealToText, SealError } from "../crypto/aesGcm.js";

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
  const plain = JSON.stringify({ name: meta.name, type: meta.type, size: meta.size });
  return sealToText(VERSION, metaKey(cek, meta.id), plain, messageId);
}

const StoredMeta = AttachmentInfoSchema.omit({ id: true });

/** The metadata, or null when the value does not open (wrong key, other message, tampered). */
export function openAttachmentInfo(
  cek: Buffer,
  messageId: string,
  attachmentId: string,
  sealed: string,
): AttachmentInfo | null {
  let plain: Buffer;
  try {
    plain = openFromText(VERSION, metaKey(cek, attachmentId), sealed, messageId);
  } catch (err) {
    if (err instanceof SealError) return null;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(plain.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = StoredMeta.safeParse(value);
  return parsed.success ? { id: attachmentId, ...parsed.data } : null;
}
