import crypto from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import {
  AttachmentStreamError,
  HEADER_SIZE,
  RECORD_SIZE,
  attachmentKey,
  encodeHeader,
  encryptedAttachmentSize,
  parseHeader,
} from "../messageFormat/attachmentStream.js";

/**
 * The attachment stream format v1 is KEYS' (services/messageFormat/attachmentStream.ts,
 * docs/format.md §4); this module adds what the upload path needs on top of it.
 */
export {
  AttachmentStreamError,
  HEADER_SIZE,
  RECORD_SIZE,
  TAG_SIZE,
  createAttachmentDecryptor,
  createAttachmentEncryptor,
  encodeHeader,
  encryptedAttachmentSize,
  plaintextAttachmentSize,
} from "../messageFormat/attachmentStream.js";

/** Number of records in the stream of a plaintext of `size` bytes. */
export function recordCount(size: number): number {
  return Math.max(1, Math.ceil(size / RECORD_SIZE));
}

/**
 * Checks a pre-encrypted stream without any key: the header is well-formed and the total length
 * is exactly the ciphertext size of `declaredPlaintextSize` (so the record structure fits the
 * declared size). Passes bytes through unchanged and errors at the first violation, so an
 * over-long stream is cut off as soon as it passes the expected length.
 */
export function createStructureCheck(declaredPlaintextSize: number): Transform {
  const expected = encryptedAttachmentSize(declaredPlaintextSize);
  const header = Buffer.alloc(HEADER_SIZE);
  let headerFill = 0;
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        if (headerFill < HEADER_SIZE) {
          const n = Math.min(HEADER_SIZE - headerFill, chunk.length);
          chunk.copy(header, headerFill, 0, n);
          headerFill += n;
          if (headerFill === HEADER_SIZE) parseHeader(header);
        }
        seen += chunk.length;
        if (seen > expected) throw new AttachmentStreamError("attachment stream: longer than the declared size");
        cb(null, chunk);
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb: TransformCallback) {
      if (headerFill < HEADER_SIZE) return cb(new AttachmentStreamError("attachment stream: truncated header"));
      if (seen !== expected) return cb(new AttachmentStreamError("attachment stream: shorter than the declared size"));
      cb();
    },
  });
}

/**
 * Joins small chunks (the encryptor emits each record's ciphertext and its 16-byte tag
 * separately) into writes of about `size` bytes, so the blob store makes few large writes.
 * Holds at most `size` bytes.
 */
export function coalesce(size = 1024 * 1024): Transform {
  let parts: Buffer[] = [];
  let fill = 0;
  return new Transform({
    writableHighWaterMark: size,
    readableHighWaterMark: size,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      parts.push(chunk);
      fill += chunk.length;
      if (fill >= size) {
        const out = Buffer.concat(parts, fill);
        parts = [];
        fill = 0;
        return cb(null, out);
      }
      cb();
    },
    flush(cb: TransformCallback) {
      cb(null, fill ? Buffer.concat(parts, fill) : undefined);
    },
  });
}

/**
 * One chunk of a resumable upload as v1 records, without the stream header: the chunk's
 * plaintext must be whole records (a multiple of RECORD_SIZE) except in the final chunk, whose
 * last record carries the last flag. Records are numbered from `firstIndex`, so the chunks
 * joined behind `encodeHeader(noncePrefix)` form exactly the stream a single upload makes.
 */
export function createChunkEncryptor(
  cek: Buffer,
  attachmentId: string,
  noncePrefix: Buffer,
  firstIndex: number,
  finalChunk: boolean,
): Transform {
  const key = attachmentKey(cek, attachmentId);
  const header = encodeHeader(noncePrefix);
  const record = Buffer.allocUnsafe(RECORD_SIZE);
  let fill = 0;
  let index = firstIndex;
  const seal = (t: Transform, data: Buffer, last: boolean) => {
    const nonce = Buffer.alloc(12);
    noncePrefix.copy(nonce, 0);
    nonce.writeUInt32BE(index++, 7);
    nonce[11] = last ? 1 : 0;
    const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
    cipher.setAAD(header);
    t.push(Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]));
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      let offset = 0;
      while (offset < chunk.length) {
        if (fill === RECORD_SIZE) {
          seal(this, record, false);
          fill = 0;
        }
        const n = Math.min(RECORD_SIZE - fill, chunk.length - offset);
        chunk.copy(record, fill, offset, offset + n);
        fill += n;
        offset += n;
      }
      cb();
    },
    flush(cb: TransformCallback) {
      if (finalChunk) seal(this, record.subarray(0, fill), true);
      else if (fill === RECORD_SIZE) seal(this, record, false);
      else if (fill !== 0) return cb(new AttachmentStreamError("attachment stream: a chunk must hold whole records"));
      key.fill(0);
      cb();
    },
  });
}
