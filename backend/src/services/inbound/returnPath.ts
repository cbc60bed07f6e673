import crypto from "node:crypto";
import { deriveKey } from "../crypto/masterKey.js";

/**
 * Per-recipient return paths (VERP) for outbox e-mails: `bounce+<id>-<tag>@<MAIL_FROM domain>`,
 * where `<id>` is the random UUID of the e-mail's Message-ID (32 hex digits) and `<tag>` the
 * first 64 bits of HMAC-SHA256(key "verp" derived from MASTER_KEY, id), hex. The address is
 * the SMTP envelope sender of the e-mail, so bounces and RFC 3834 auto-replies come back to it
 * even when they carry neither In-Reply-To nor References; the tag makes it unforgeable (a
 * wrong one is refused at RCPT TO and matched to nothing). Lower-case hex survives MTAs that
 * fold the local part's case; 56 characters stay under the local part's 64.
 */
const PREFIX = "bounce+";
const TAG_HEX = 16;
const ADDRESS = /^bounce\+([0-9a-f]{32})-([0-9a-f]{16})@([^@\s>]+)$/;
const MESSAGE_ID = /^<([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})@([^>\s]+)>$/i;

function tag(id: string): string {
  return crypto.createHmac("sha256", deriveKey("verp")).update(id).digest("hex").slice(0, TAG_HEX);
}

/** True for an address in the return-path form, whether or not its tag is valid. */
export function looksLikeReturnPath(address: string): boolean {
  return address.toLowerCase().startsWith(PREFIX);
}

/** The return path for an e-mail with Message-ID `<uuid@domain>`, or null for another form. */
export function returnPathFor(messageId: string): string | null {
  const m = MESSAGE_ID.exec(messageId);
  if (!m) return null;
  const id = m.slice(1, 6).join("").toLowerCase();
  return `${PREFIX}${id}-${tag(id)}@${m[6].toLowerCase()}`;
}

/**
 * The Message-ID of the outbox e-mail a return path was made for, or null when `address` is
 * not one or its tag does not verify (forged, guessed, altered).
 */
export function messageIdFromReturnPath(address: string): string | null {
  const m = ADDRESS.exec(address.trim().toLowerCase());
  if (!m) return null;
  const [, id, given, domain] = m;
  const expected = Buffer.from(tag(id), "utf8");
  if (!crypto.timingSafeEqual(expected, Buffer.from(given, "utf8"))) return null;
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return `<${uuid}@${domain}>`;
}
