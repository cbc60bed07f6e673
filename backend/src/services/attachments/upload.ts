import crypto from "node:crypto";
import { pipeline } from "node:stream";
import type { Readable, Transform } from "node:stream";
import { appError } from "../../errors.js";
import { transaction } from "../../db.js";
import { logger } from "../../logger.js";
import { Attachment } from "../../models/Attachment.js";
import { AttachmentUpload } from "../../models/AttachmentUpload.js";
import type { User } from "../../models/User.js";
import type { AttachmentInfo } from "../messages/content.js";
import { blobStore } from "../blobs/index.js";
import { loadOwnDraft } from "./drafts.js";
import { AttachmentTooLargeError, byteLimit } from "./limits.js";
import { sealAttachmentInfo } from "./meta.js";
import {
  AttachmentStreamError,
  coalesce,
  createAttachmentEncryptor,
  createStructureCheck,
  encryptedAttachmentSize as encryptedSize,
  recordCount,
} from "./streamCrypto.js";

/**
 * Whether an attachment with this id is stored already, or a resumable upload will become one
 * (pre-encrypted uploads choose their ids).
 */
export async function attachmentExists(attachmentId: string): Promise<boolean> {
  return !!(
    (await Attachment.findByPk(attachmentId, { attributes: ["id"] })) ??
    (await AttachmentUpload.findByPk(attachmentId, { attributes: ["id"] }))
  );
}

export const InvalidAttachmentStreamError = (message: string) => appError("invalid_attachment_stream", message);

/**
 * `source` through `stages` into a new blob. Any failure (limit, bad structure, client gone)
 * rejects with the first error and leaves no blob behind (the store removes its temp file).
 */
export async function streamToBlob(
  region: string,
  source: Readable,
  stages: Transform[],
): Promise<{ key: string; size: number }> {
  const failure: { error: Error | null } = { error: null };
  const out = pipeline([source, ...stages], (err) => {
    if (err && !failure.error) failure.error = err;
  }) as unknown as Readable;
  let stored: { key: string; size: number };
  try {
    stored = await blobStore().put(region, out);
  } catch (err) {
    throw failure.error ?? err;
  }
  if (failure.error) {
    await blobStore().overwriteAndDelete(stored.key);
    throw failure.error;
  }
  return stored;
}

/**
 * 1 MiB write batches for a store that writes what it gets (the filesystem); none for one that
 * gathers its own parts (S3 multipart), which would only copy every byte once more.
 */
export function writeBatching(region: string): Transform[] {
  return blobStore().gathersWritesIn(region) ? [] : [coalesce()];
}

/** Records the attachment row for a stored blob, if the draft is still a draft; otherwise removes the blob. */
async function recordAttachment(
  user: User,
  messageId: string,
  row: { id: string; blobKey: string; ciphertextSize: number; records: number },
  meta: string | null,
): Promise<Attachment> {
  try {
    return await transaction(async (t) => {
      await loadOwnDraft(t, user, messageId);
      if (await Attachment.findByPk(row.id, { transaction: t, attributes: ["id"] }))
        throw appError("attachment_exists", "An attachment with this id exists");
      const position = await Attachment.count({ where: { messageId }, transaction: t });
      return Attachment.create(
        {
          id: row.id,
          messageId,
          position,
          blobKey: row.blobKey,
          ciphertextSize: row.ciphertextSize,
          recordCount: row.records,
          meta,
        },
        { transaction: t },
      );
    });
  } catch (err) {
    await blobStore().overwriteAndDelete(row.blobKey);
    throw err;
  }
}

export interface PlaintextUpload {
  user: User;
  messageId: string;
  /** The draft's content key (opened by the caller with the sender's private key); zeroed here. */
  cek: Buffer;
  region: string;
  source: Readable;
  name: string;
  type: string;
  limit: number;
}

/**
 * Plaintext form: encrypts the file on the fly (64 KiB records under the draft's content key)
 * into the blob store; never holds more than a record in memory. 413 attachment_too_large as
 * soon as more than `limit` bytes arrive. Name, type and size are stored only encrypted.
 */
export async function storePlaintextAttachment(
  p: PlaintextUpload,
): Promise<{ attachment: Attachment; meta: AttachmentInfo }> {
  const id = crypto.randomUUID();
  const limit = byteLimit(p.limit);
  let stored: { key: string; size: number };
  let sealedMeta: string;
  let meta: AttachmentInfo;
  try {
    stored = await streamToBlob(p.region, p.source, [
      limit,
      createAttachmentEncryptor(p.cek, id),
      ...writeBatching(p.region),
    ]);
    meta = { id, name: p.name, type: p.type, size: limit.bytes() };
    sealedMeta = sealAttachmentInfo(p.cek, p.messageId, meta);
  } finally {
    p.cek.fill(0);
  }
  if (stored.size !== encryptedSize(meta.size)) {
    await blobStore().overwriteAndDelete(stored.key);
    throw new Error("encrypted attachment has an unexpected size");
  }
  const attachment = await recordAttachment(
    p.user,
    p.messageId,
    { id, blobKey: stored.key, ciphertextSize: stored.size, records: recordCount(meta.size) },
    sealedMeta,
  );
  return { attachment, meta };
}

export interface CiphertextUpload {
  user: User;
  messageId: string;
  /** Client-chosen attachment id (the stream key is derived from it). */
  attachmentId: string;
  region: string;
  source: Readable;
  declaredPlaintextSize: number;
  contentLength: number | null;
  limit: number;
}

/**
 * Pre-encrypted form (add-in): stores the client's ciphertext stream after checking, without any
 * key, that its header is valid and its length is exactly that of `declaredPlaintextSize` in
 * 64 KiB records; the size is checked against the plan limit first. Name and type are in the
 * client's content JWE. 400 invalid_attachment_stream for a bad structure.
 */
export async function storeCiphertextAttachment(p: CiphertextUpload): Promise<Attachment> {
  if (p.declaredPlaintextSize > p.limit) throw AttachmentTooLargeError(p.limit);
  const expected = encryptedSize(p.declaredPlaintextSize);
  if (p.contentLength !== null && p.contentLength !== expected) {
    throw InvalidAttachmentStreamError("The body length does not match the declared plaintext size");
  }
  let stored: { key: string; size: number };
  try {
    stored = await streamToBlob(p.region, p.source, [createStructureCheck(p.declaredPlaintextSize)]);
  } catch (err) {
    if (err instanceof AttachmentStreamError) {
      logger.info({ messageId: p.messageId, reason: err.message }, "pre-encrypted attachment rejected");
      throw InvalidAttachmentStreamError(
        `The encrypted attachment is malformed (${err.message.replace(/^attachment stream: /, "")})`,
      );
    }
    throw err;
  }
  return recordAttachment(
    p.user,
    p.messageId,
    {
      id: p.attachmentId,
      blobKey: stored.key,
      ciphertextSize: stored.size,
      records: recordCount(p.declaredPlaintextSize),
    },
    null,
  );
}
