import { pipeline, type Readable } from "node:stream";
import { NotFoundError, appError } from "../../errors.js";
import { logger } from "../../logger.js";
import { Attachment } from "../../models/Attachment.js";
import type { AuthState } from "../sessions.js";
import { authorizeMessageReader, type MessageAccess } from "../messages/messageAccess.js";
import { mayDownloadInBurnGrace } from "../../policies/messages.js";
import { clock } from "../clock.js";
import { assertReadable, decryptMessage, KeysLockedError, requestPrivateKey } from "../messages/readMessage.js";
import { openContentKey } from "../messages/contentCrypto.js";
import { assertIdChecked } from "../messages/idCheck.js";
import type { AttachmentInfo } from "../messages/content.js";
import { blobStore, BlobNotFoundError } from "../blobs/index.js";
import { openAttachmentInfo } from "./meta.js";
import { createAttachmentDecryptor, plaintextAttachmentSize as plaintextSize } from "./streamCrypto.js";

export const EyesOnlyError = () =>
  appError("eyes_only", "This message is for your eyes only: its attachments cannot be downloaded");
export const RevealRequiredError = () =>
  appError("reveal_required", "This message is burned after reading: reveal it first (POST /api/messages/{id}/reveal)");
export const AttachmentDamagedError = () =>
  appError("attachment_damaged", "The stored attachment is damaged and cannot be decrypted");

const AttachmentNotFound = () => NotFoundError("Attachment not found");

/**
 * A reader's attachment: 404 for anyone who is not a reader (S4) and for an id that is not this
 * message's; 410 when the message is gone; 403 eyes_only when the message is for-your-eyes-only
 * (the sender's own draft excepted); the same ID check as reading the message (403
 * id_check_required); burn-after-reading attachments only after the recipient revealed it
 * (403 reveal_required), as GET /api/messages/:id withholds them until then. After the last
 * reveal the body is gone (410 message_burned) and only the recipients who revealed may still
 * download the attachments, until the grace period ends (`mayDownloadInBurnGrace`).
 */
async function authorizeAttachment(
  auth: AuthState,
  messageId: string,
  attachmentId: string,
): Promise<{ access: MessageAccess; row: Attachment }> {
  const access = await authorizeMessageReader(auth.user, messageId);
  if (!mayDownloadInBurnGrace(access, clock.now())) assertReadable(access.message, clock.now());
  const row = await Attachment.findOne({ where: { id: attachmentId, messageId } });
  if (!row) throw AttachmentNotFound();
  if (access.message.eyesOnly && access.message.state !== "draft") throw EyesOnlyError();
  await assertIdChecked(auth, access.message, access.recipient);
  if (access.recipient && access.message.burnAfterReading && !access.recipient.readAt) throw RevealRequiredError();
  return { access, row };
}

export interface AttachmentDownload {
  meta: AttachmentInfo;
  stream: Readable;
}

/**
 * Streams the decrypted attachment. Name, type and size come from the content JWE (or, for the
 * sender's draft, the row's encrypted metadata). The blob's length is checked against the size
 * before any byte is sent; a record that fails authentication errors the stream at that record
 * (nothing of it or after it is emitted) and is logged without content.
 */
export async function openAttachmentDownload(
  auth: AuthState,
  messageId: string,
  attachmentId: string,
): Promise<AttachmentDownload> {
  const { access, row } = await authorizeAttachment(auth, messageId, attachmentId);
  const privateKey = await requestPrivateKey(auth);
  if (!privateKey) throw KeysLockedError();
  // In a burn grace period the content (body) is gone; the row keeps the sealed metadata.
  const content = access.message.content
    ? await decryptMessage(access.message, auth.user.id, access.envelope.jwe, privateKey)
    : null;
  const cek = await openContentKey(access.envelope.jwe, privateKey);
  let stream: Readable;
  let meta: AttachmentInfo | null;
  try {
    meta =
      content?.attachments.find((a) => a.id === row.id) ??
      (row.meta ? openAttachmentInfo(cek, messageId, row.id, row.meta) : null);
    if (!meta) throw AttachmentNotFound();
    const blobSize = await blobStore().size(row.blobKey);
    if (blobSize === null || plaintextSize(blobSize) !== meta.size) {
      logger.error(
        { messageId, attachmentId: row.id, blobSize, problem: blobSize === null ? "missing" : "size_mismatch" },
        "attachment blob damaged",
      );
      throw AttachmentDamagedError();
    }
    const blob = await blobStore().get(row.blobKey);
    stream = pipeline(blob, createAttachmentDecryptor(cek, row.id), (err) => {
      if (err) logger.error({ messageId, attachmentId: row.id, problem: err.message }, "attachment download aborted");
    });
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw AttachmentDamagedError();
    throw err;
  } finally {
    cek.fill(0);
  }
  return { meta, stream };
}

/**
 * The stored ciphertext, for a reader's client that decrypts itself (the add-in). Same access
 * rules as the decrypted download; no key is needed.
 */
export async function openCiphertextDownload(
  auth: AuthState,
  messageId: string,
  attachmentId: string,
): Promise<{ size: number; stream: Readable }> {
  const { row } = await authorizeAttachment(auth, messageId, attachmentId);
  try {
    const size = await blobStore().size(row.blobKey);
    if (size === null) throw AttachmentDamagedError();
    return { size, stream: await blobStore().get(row.blobKey) };
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw AttachmentDamagedError();
    throw err;
  }
}
