import crypto from "node:crypto";
import { Readable, Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Transaction } from "sequelize";
import { NotFoundError, appError } from "../../errors.js";
import { transaction } from "../../db.js";
import { Attachment } from "../../models/Attachment.js";
import { AttachmentUpload } from "../../models/AttachmentUpload.js";
import type { User } from "../../models/User.js";
import type { AttachmentInfo } from "../messages/content.js";
import { blobStore } from "../blobs/index.js";
import { loadOwnDraft } from "./drafts.js";
import { byteLimit } from "./limits.js";
import { openAttachmentInfo, sealAttachmentInfo } from "./meta.js";
import { streamToBlob, writeBatching } from "./upload.js";
import {
  RECORD_SIZE,
  TAG_SIZE,
  createChunkEncryptor,
  encodeHeader,
  encryptedAttachmentSize,
  recordCount,
} from "./streamCrypto.js";

/** Plaintext bytes per chunk of a resumable upload (whole records; the last chunk may be shorter). */
export const CHUNK_SIZE = 128 * RECORD_SIZE; // 8 MiB

export const ChunkSizeError = (expected: number) =>
  appError("chunk_size_mismatch", `This chunk must be exactly ${expected} bytes`);
export const ChunkMismatchError = () =>
  appError("chunk_mismatch", "This chunk was received before with other content; start the upload again");
export const UploadIncompleteError = (missing: number[]) =>
  appError(
    "upload_incomplete",
    `Chunks still missing: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? ", …" : ""}`,
    { details: { missing } },
  );

export function chunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / CHUNK_SIZE));
}

export function chunkLength(size: number, n: number): number {
  const count = chunkCount(size);
  return n < count - 1 ? CHUNK_SIZE : size - (count - 1) * CHUNK_SIZE;
}

/**
 * Bytes of chunk `n` of a pre-encrypted upload of `size` plaintext bytes: the records of the v1
 * stream that hold plaintext chunk `n` (each 16 bytes longer; the stream header is not part of
 * any chunk: it is given when the upload starts).
 */
export function ciphertextChunkLength(size: number, n: number): number {
  const plain = chunkLength(size, n);
  return plain + Math.max(1, Math.ceil(plain / RECORD_SIZE)) * TAG_SIZE;
}

/** A full chunk of a pre-encrypted upload: 128 records of 64 KiB + 16 bytes. */
export const CIPHERTEXT_CHUNK_SIZE = CHUNK_SIZE + (CHUNK_SIZE / RECORD_SIZE) * TAG_SIZE;

/** The length a chunk must have: plaintext bytes, or the records of a pre-encrypted upload. */
function expectedChunkLength(upload: AttachmentUpload, n: number): number {
  return upload.preEncrypted ? ciphertextChunkLength(upload.size, n) : chunkLength(upload.size, n);
}

async function loadUpload(
  t: Transaction,
  user: User,
  messageId: string,
  uploadId: string,
  lock = false,
): Promise<AttachmentUpload> {
  await loadOwnDraft(t, user, messageId);
  const upload = await AttachmentUpload.findOne({
    where: { id: uploadId, messageId },
    transaction: t,
    lock: lock ? t.LOCK.UPDATE : undefined,
  });
  if (!upload) throw NotFoundError("Upload not found");
  return upload;
}

export interface UploadState {
  id: string;
  size: number;
  chunkSize: number;
  chunks: number;
  received: number[];
}

export function presentUpload(upload: AttachmentUpload): UploadState {
  const keys = upload.chunkKeys();
  return {
    id: upload.id,
    size: upload.size,
    chunkSize: upload.chunkSize,
    chunks: keys.length,
    received: keys.flatMap((k, i) => (k ? [i] : [])),
  };
}

/**
 * Starts a resumable upload of a pre-encrypted attachment (the client's v1 stream, already
 * checked by the caller: the draft is the caller's, the id is free, the size within the limit):
 * `attachmentId` is the client's (its stream key is derived from it), `noncePrefix` the one of
 * the client's stream header.
 */
export async function startCiphertextUpload(
  t: Transaction,
  messageId: string,
  file: { attachmentId: string; size: number; noncePrefix: Buffer },
): Promise<AttachmentUpload> {
  return AttachmentUpload.create(
    {
      id: file.attachmentId,
      messageId,
      meta: "",
      size: file.size,
      chunkSize: CIPHERTEXT_CHUNK_SIZE,
      noncePrefix: file.noncePrefix.toString("hex"),
      chunks: JSON.stringify(new Array<null>(chunkCount(file.size)).fill(null)),
      preEncrypted: true,
    },
    { transaction: t },
  );
}

/** Starts a resumable upload of `size` plaintext bytes into the caller's draft (checked by the caller, with the draft's key). */
export async function startUpload(
  t: Transaction,
  messageId: string,
  cek: Buffer,
  file: { name: string; type: string; size: number },
): Promise<AttachmentUpload> {
  const id = crypto.randomUUID();
  const meta: AttachmentInfo = { id, name: file.name, type: file.type, size: file.size };
  return AttachmentUpload.create(
    {
      id,
      messageId,
      meta: sealAttachmentInfo(cek, messageId, meta),
      size: file.size,
      chunkSize: CHUNK_SIZE,
      noncePrefix: crypto.randomBytes(7).toString("hex"),
      chunks: JSON.stringify(new Array<null>(chunkCount(file.size)).fill(null)),
    },
    { transaction: t },
  );
}

export interface ChunkProps {
  user: User;
  messageId: string;
  uploadId: string;
  index: number;
  /** The draft's content key; zeroed here. Null for a pre-encrypted upload (which needs none). */
  cek: Buffer | null;
  region: string;
  source: Readable;
  contentLength: number | null;
}

/**
 * The key of the chunk hashes of one upload: HKDF-SHA256 of the draft's content key, salted with
 * the upload id. Keyed by the content key (not MASTER_KEY) so the database and the master key
 * together still cannot confirm a guess at a short chunk's plaintext.
 */
function chunkMacKey(cek: Buffer, uploadId: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", cek, Buffer.from(uploadId), "kuvert:upload-chunk-mac", 32));
}

/** Passes bytes through while feeding them to `mac`. */
function macTap(mac: crypto.Hmac | crypto.Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      mac.update(chunk);
      cb(null, chunk);
    },
  });
}

function sameMac(stored: string | null, mac: string): boolean {
  if (!stored || stored.length !== mac.length) return false;
  return crypto.timingSafeEqual(Buffer.from(stored, "hex"), Buffer.from(mac, "hex"));
}

function newMac(key: Buffer, index: number): crypto.Hmac {
  const position = Buffer.alloc(8);
  position.writeBigUInt64BE(BigInt(index));
  return crypto.createHmac("sha256", key).update(position);
}

/** The hash kept of a pre-encrypted chunk: SHA-256 of its ciphertext (no key needed, none known). */
function chunkHash(upload: AttachmentUpload, index: number, cek: Buffer | null): crypto.Hmac | crypto.Hash {
  if (upload.preEncrypted) return crypto.createHash("sha256");
  if (!cek) throw new Error("a plaintext upload's chunk needs the draft's content key");
  const macKey = chunkMacKey(cek, upload.id);
  const hmac = newMac(macKey, index);
  macKey.fill(0);
  return hmac;
}

/** Whether the upload's chunks are the client's ciphertext (the caller then needs no content key). */
export async function isPreEncryptedUpload(user: User, messageId: string, uploadId: string): Promise<boolean> {
  return (await transaction((t) => loadUpload(t, user, messageId, uploadId))).preEncrypted;
}

/**
 * Encrypts one chunk as the records it holds in the final stream and stores it, with a keyed
 * hash of its plaintext (pre-encrypted upload: stores the client's records as they are, with
 * the SHA-256 of them; a resent chunk must carry the same bytes, as the client's encryption of
 * the same plaintext under the same nonces gives). A chunk sent again (resume after a lost answer) is only hashed, never
 * encrypted again: the same bytes answer 200 and change nothing; other bytes answer 409
 * chunk_mismatch, because encrypting them under the same key, nonce prefix and record indices
 * would reuse GCM nonces. 400 chunk_size_mismatch unless it is exactly the expected length.
 */
export async function putChunk(p: ChunkProps): Promise<UploadState> {
  let upload: AttachmentUpload;
  let stored: { key: string; size: number };
  let mac: string;
  const limit = { bytes: () => 0 };
  let expected: number;
  try {
    upload = await transaction((t) => loadUpload(t, p.user, p.messageId, p.uploadId));
    const count = chunkCount(upload.size);
    if (p.index >= count) throw NotFoundError("No such chunk");
    expected = expectedChunkLength(upload, p.index);
    if (p.contentLength !== null && p.contentLength !== expected) throw ChunkSizeError(expected);
    const counter = byteLimit(expected, () => ChunkSizeError(expected));
    limit.bytes = counter.bytes;
    const hmac = chunkHash(upload, p.index, p.cek);
    const existing = upload.chunkEntries()[p.index];
    if (existing) {
      await pipeline(p.source, counter, macTap(hmac), discard());
      if (counter.bytes() !== expected) throw ChunkSizeError(expected);
      if (!sameMac(existing.mac, hmac.digest("hex"))) throw ChunkMismatchError();
      return presentUpload(upload);
    }
    const firstIndex = (p.index * CHUNK_SIZE) / RECORD_SIZE;
    const prefix = Buffer.from(upload.noncePrefix, "hex");
    const encrypt = upload.preEncrypted
      ? [] // the client's records, stored as they are
      : [createChunkEncryptor(p.cek!, upload.id, prefix, firstIndex, p.index === count - 1)];
    stored = await streamToBlob(p.region, p.source, [counter, macTap(hmac), ...encrypt, ...writeBatching(p.region)]);
    mac = hmac.digest("hex");
  } finally {
    p.cek?.fill(0);
  }
  if (limit.bytes() !== expected) {
    await blobStore().overwriteAndDelete(stored.key);
    throw ChunkSizeError(expected);
  }
  let replaced: string | null = null;
  try {
    upload = await transaction(async (t) => {
      const row = await loadUpload(t, p.user, p.messageId, p.uploadId, true);
      const entries = row.chunkEntries();
      const raced = entries[p.index];
      if (raced) {
        // The same chunk arrived twice at once: keep the first; ours is the same or refused.
        if (!sameMac(raced.mac, mac)) throw ChunkMismatchError();
        replaced = stored.key;
        return row;
      }
      entries[p.index] = { key: stored.key, mac };
      row.chunks = JSON.stringify(entries);
      await row.save({ transaction: t });
      return row;
    });
  } catch (err) {
    await blobStore().overwriteAndDelete(stored.key);
    throw err;
  }
  if (replaced) await blobStore().overwriteAndDelete(replaced);
  return presentUpload(upload);
}

/** A sink that drops what it is given (a re-sent chunk is hashed, not stored). */
function discard(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
}

async function* joined(header: Buffer, keys: string[]): AsyncGenerator<Buffer> {
  yield header;
  for (const key of keys) {
    for await (const chunk of await blobStore().get(key)) yield chunk as Buffer;
  }
}

/**
 * Joins the chunks behind the stream header into the attachment's blob, creates the attachment
 * and removes the upload. 409 upload_incomplete while chunks are missing.
 */
export async function commitUpload(
  user: User,
  messageId: string,
  uploadId: string,
  region: string,
): Promise<{ id: string; size: number }> {
  const upload = await transaction((t) => loadUpload(t, user, messageId, uploadId));
  const keys = upload.chunkKeys();
  const missing = keys.flatMap((k, i) => (k ? [] : [i]));
  if (missing.length) throw UploadIncompleteError(missing);
  const stored = await blobStore().put(
    region,
    Readable.from(joined(encodeHeader(Buffer.from(upload.noncePrefix, "hex")), keys as string[])),
  );
  if (stored.size !== encryptedAttachmentSize(upload.size)) {
    await blobStore().overwriteAndDelete(stored.key);
    throw new Error("joined attachment has an unexpected size");
  }
  try {
    await transaction(async (t) => {
      const row = await loadUpload(t, user, messageId, uploadId, true);
      const position = await Attachment.count({ where: { messageId }, transaction: t });
      await Attachment.create(
        {
          id: row.id,
          messageId,
          position,
          blobKey: stored.key,
          ciphertextSize: stored.size,
          recordCount: recordCount(row.size),
          // Pre-encrypted: name, type and size are in the client's content JWE.
          meta: row.preEncrypted ? null : row.meta,
        },
        { transaction: t },
      );
      await row.destroy({ transaction: t });
    });
  } catch (err) {
    await blobStore().overwriteAndDelete(stored.key);
    throw err;
  }
  for (const key of keys) if (key) await blobStore().overwriteAndDelete(key);
  return { id: upload.id, size: upload.size };
}

/** Which chunks of the caller's upload have arrived; 404 for another's draft or upload (S4), 409 once sent. */
export async function uploadState(user: User, messageId: string, uploadId: string): Promise<UploadState> {
  return presentUpload(await transaction((t) => loadUpload(t, user, messageId, uploadId)));
}

/** Abandons an upload: its chunks are overwritten and removed. */
export async function abortUpload(user: User, messageId: string, uploadId: string): Promise<void> {
  const keys = await transaction(async (t) => {
    const row = await loadUpload(t, user, messageId, uploadId, true);
    const k = row.chunkKeys();
    await row.destroy({ transaction: t });
    return k;
  });
  for (const key of keys) if (key) await blobStore().overwriteAndDelete(key);
}

/** The upload's name/type/size for the caller (the draft's sender) with the draft's key. */
export function uploadMeta(upload: AttachmentUpload, cek: Buffer): AttachmentInfo | null {
  return openAttachmentInfo(cek, upload.messageId, upload.id, upload.meta);
}
