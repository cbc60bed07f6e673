import crypto from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { attachmentIdPattern } from "./content.js";

/**
 * Attachment streams, format v1 (docs/format.md §4), as Node Transform streams with flat
 * memory. Layout: header = "KVAS" | version 0x01 | record size (u32 BE, 65536) | 7-byte nonce
 * prefix; then records, each AES-256-GCM(ciphertext || 16-byte tag) of 65536 plaintext bytes,
 * the last one 1..65536 bytes (0 only for an empty file). Nonce = prefix || index (u32 BE) ||
 * last-flag byte; AAD = the 16 header bytes. Key = HKDF-SHA256(CEK, salt "", info
 * "kuvert:attachment:v1:<id>"). The browser twin is addin/src/crypto/attachmentStream.ts.
 */
export const MAGIC = Buffer.from("KVAS", "ascii");
export const STREAM_VERSION = 1;
export const RECORD_SIZE = 65536;
export const TAG_SIZE = 16;
export const HEADER_SIZE = 16;
export const NONCE_PREFIX_SIZE = 7;
const MAX_RECORDS = 2 ** 32;

export class AttachmentStreamError extends Error {
  override name = "AttachmentStreamError";
}

/** Ciphertext size of a plaintext of `size` bytes (the server checks uploads with it). */
export function encryptedAttachmentSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError("size must be a non-negative integer");
  return HEADER_SIZE + size + Math.max(1, Math.ceil(size / RECORD_SIZE)) * TAG_SIZE;
}

/** Plaintext size of a ciphertext of `size` bytes, or null when no valid stream has that size. */
export function plaintextAttachmentSize(size: number): number | null {
  if (!Number.isSafeInteger(size) || size < HEADER_SIZE + TAG_SIZE) return null;
  const body = size - HEADER_SIZE;
  const full = Math.floor(body / (RECORD_SIZE + TAG_SIZE));
  const rest = body - full * (RECORD_SIZE + TAG_SIZE);
  let plain: number;
  if (rest === 0) plain = full * RECORD_SIZE;
  else if (rest > TAG_SIZE || (rest === TAG_SIZE && full === 0)) plain = full * RECORD_SIZE + rest - TAG_SIZE;
  else return null;
  return encryptedAttachmentSize(plain) === size ? plain : null;
}

export function attachmentKey(cek: Buffer, attachmentId: string): Buffer {
  if (cek.length !== 32) throw new AttachmentStreamError("content key must be 32 bytes");
  if (!attachmentIdPattern.test(attachmentId)) throw new AttachmentStreamError("invalid attachment id");
  return Buffer.from(crypto.hkdfSync("sha256", cek, Buffer.alloc(0), `kuvert:attachment:v1:${attachmentId}`, 32));
}

export function encodeHeader(noncePrefix: Buffer): Buffer {
  if (noncePrefix.length !== NONCE_PREFIX_SIZE) throw new AttachmentStreamError("nonce prefix must be 7 bytes");
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header[4] = STREAM_VERSION;
  header.writeUInt32BE(RECORD_SIZE, 5);
  noncePrefix.copy(header, 9);
  return header;
}

/** Validates a stream header (e.g. the first bytes of a pre-encrypted upload); returns the nonce prefix. */
export function parseHeader(header: Buffer): Buffer {
  if (header.length < HEADER_SIZE) throw new AttachmentStreamError("attachment stream: truncated header");
  if (!header.subarray(0, 4).equals(MAGIC)) throw new AttachmentStreamError("attachment stream: bad magic");
  if (header[4] !== STREAM_VERSION) throw new AttachmentStreamError("attachment stream: unsupported version");
  if (header.readUInt32BE(5) !== RECORD_SIZE)
    throw new AttachmentStreamError("attachment stream: unsupported record size");
  return Buffer.from(header.subarray(9, HEADER_SIZE));
}

function nonce(prefix: Buffer, index: number, last: boolean): Buffer {
  if (index >= MAX_RECORDS) throw new AttachmentStreamError("attachment stream: too many records");
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/** FIFO of chunks handing out exact-size slices, so memory stays at about one record. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(n: number): Buffer {
    const head = this.chunks[0];
    if (head && head.length >= n) {
      // Fast path: no copy when the first chunk holds the whole slice.
      this.length -= n;
      if (head.length === n) this.chunks.shift();
      else this.chunks[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const need = n - filled;
      if (c.length <= need) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, need);
        this.chunks[0] = c.subarray(need);
        filled = n;
      }
    }
    this.length -= n;
    return out;
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new AttachmentStreamError("attachment stream: expected binary chunks");
}

class AttachmentEncryptor extends Transform {
  private readonly queue = new ByteQueue();
  private readonly header: Buffer;
  private index = 0;
  private started = false;

  constructor(
    private readonly key: Buffer,
    private readonly prefix: Buffer,
  ) {
    super({ readableHighWaterMark: RECORD_SIZE * 2, writableHighWaterMark: RECORD_SIZE * 2 });
    this.header = encodeHeader(prefix);
  }

  /** Pushes ciphertext and tag as they come (no concatenation copy). */
  private seal(record: Buffer, last: boolean): void {
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, nonce(this.prefix, this.index++, last));
    cipher.setAAD(this.header);
    const body = cipher.update(record);
    const tail = cipher.final();
    if (body.length) this.push(body);
    if (tail.length) this.push(tail);
    this.push(cipher.getAuthTag());
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.push(this.header);
  }

  override _transform(chunk: unknown, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.start();
      this.queue.push(toBuffer(chunk));
      // A full record is sealed only once more data follows: the last one carries the flag.
      while (this.queue.length > RECORD_SIZE) this.seal(this.queue.take(RECORD_SIZE), false);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.start();
      this.seal(this.queue.take(this.queue.length), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

class AttachmentDecryptor extends Transform {
  private readonly queue = new ByteQueue();
  private header: Buffer | null = null;
  private prefix: Buffer | null = null;
  private index = 0;

  constructor(private readonly key: Buffer) {
    super({ readableHighWaterMark: RECORD_SIZE * 2, writableHighWaterMark: RECORD_SIZE * 2 });
  }

  private open(record: Buffer, last: boolean): Buffer {
    if (!this.header || !this.prefix) throw new AttachmentStreamError("attachment stream: truncated header");
    try {
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, nonce(this.prefix, this.index, last));
      decipher.setAAD(this.header);
      decipher.setAuthTag(record.subarray(record.length - TAG_SIZE));
      const body = decipher.update(record.subarray(0, record.length - TAG_SIZE));
      const tail = decipher.final(); // throws unless the tag verifies; nothing is released before
      this.index++;
      return tail.length ? Buffer.concat([body, tail]) : body;
    } catch {
      throw new AttachmentStreamError(`attachment stream: record ${this.index} failed authentication`);
    }
  }

  override _transform(chunk: unknown, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.queue.push(toBuffer(chunk));
      if (!this.header) {
        if (this.queue.length < HEADER_SIZE) return done();
        this.header = Buffer.from(this.queue.take(HEADER_SIZE));
        this.prefix = parseHeader(this.header);
      }
      while (this.queue.length > RECORD_SIZE + TAG_SIZE)
        this.push(this.open(this.queue.take(RECORD_SIZE + TAG_SIZE), false));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (!this.header) throw new AttachmentStreamError("attachment stream: truncated header");
      if (this.queue.length < TAG_SIZE) throw new AttachmentStreamError("attachment stream: truncated");
      if (this.queue.length === TAG_SIZE && this.index > 0)
        throw new AttachmentStreamError("attachment stream: empty last record");
      this.push(this.open(this.queue.take(this.queue.length), true));
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

/** Plaintext in, v1 ciphertext out. `noncePrefix` is for test vectors only. */
export function createAttachmentEncryptor(
  cek: Buffer,
  attachmentId: string,
  testing: { noncePrefix?: Buffer } = {},
): Transform {
  return new AttachmentEncryptor(
    attachmentKey(cek, attachmentId),
    testing.noncePrefix ?? crypto.randomBytes(NONCE_PREFIX_SIZE),
  );
}

/**
 * v1 ciphertext in, plaintext out. Errors (AttachmentStreamError) on tampering, reordering,
 * splicing, truncation and trailing data; verified records are released as they come, so a
 * consumer must treat an error as the failure of the whole download (abort, discard).
 */
export function createAttachmentDecryptor(cek: Buffer, attachmentId: string): Transform {
  return new AttachmentDecryptor(attachmentKey(cek, attachmentId));
}
