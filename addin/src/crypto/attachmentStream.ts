import { concat, randomBytes, subtle, u32be, utf8, type Bytes } from "./bytes.js";
import { attachmentIdPattern } from "./content.js";

/**
 * Attachment streams, format v1 (docs/format.md §4): a 16-byte header, then records of
 * RECORD_SIZE plaintext bytes (the last one 1..RECORD_SIZE, or 0 for an empty file), each
 * AES-256-GCM under a key derived from the message CEK and the attachment id, with the nonce
 * prefix(7) || index(4, big-endian) || last(1) and the header as additional data.
 */
export const MAGIC = [0x4b, 0x56, 0x41, 0x53]; // "KVAS"
export const STREAM_VERSION = 1;
export const RECORD_SIZE = 65536;
export const TAG_SIZE = 16;
export const HEADER_SIZE = 16;
export const NONCE_PREFIX_SIZE = 7;
const MAX_RECORDS = 2 ** 32;

/** Ciphertext size of a plaintext of `size` bytes. */
export function encryptedSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new Error("size must be a non-negative integer");
  const records = Math.max(1, Math.ceil(size / RECORD_SIZE));
  return HEADER_SIZE + size + records * TAG_SIZE;
}

/** Plaintext size for a ciphertext size, or null when no plaintext encrypts to that size. */
export function plaintextSize(ciphertextSize: number): number | null {
  if (!Number.isSafeInteger(ciphertextSize) || ciphertextSize < HEADER_SIZE + TAG_SIZE) return null;
  const body = ciphertextSize - HEADER_SIZE;
  const full = Math.floor(body / (RECORD_SIZE + TAG_SIZE));
  const rest = body - full * (RECORD_SIZE + TAG_SIZE);
  let size: number;
  if (rest === 0)
    size = full * RECORD_SIZE; // the last record is a full one
  else if (rest > TAG_SIZE || (rest === TAG_SIZE && full === 0)) size = full * RECORD_SIZE + rest - TAG_SIZE;
  else return null;
  return encryptedSize(size) === ciphertextSize ? size : null;
}

export function encodeHeader(noncePrefix: Uint8Array): Bytes {
  if (noncePrefix.length !== NONCE_PREFIX_SIZE) throw new Error("nonce prefix must be 7 bytes");
  return concat(new Uint8Array(MAGIC), new Uint8Array([STREAM_VERSION]), u32be(RECORD_SIZE), noncePrefix);
}

/** Checks a 16-byte stream header; returns the nonce prefix. */
export function parseHeader(header: Uint8Array): Bytes {
  if (header.length !== HEADER_SIZE) throw new Error("attachment stream: truncated header");
  if (MAGIC.some((b, i) => header[i] !== b)) throw new Error("attachment stream: bad magic");
  if (header[4] !== STREAM_VERSION) throw new Error("attachment stream: unsupported version");
  const recordSize = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(5, false);
  if (recordSize !== RECORD_SIZE) throw new Error("attachment stream: unsupported record size");
  return concat(header.subarray(9, 16));
}

export function recordNonce(prefix: Uint8Array, index: number, last: boolean): Bytes {
  if (index >= MAX_RECORDS) throw new Error("attachment stream: too many records");
  return concat(prefix, u32be(index), new Uint8Array([last ? 1 : 0]));
}

/** HKDF-SHA256(ikm = CEK, salt = empty, info = "kuvert:attachment:v1:" + id) → AES-256-GCM key. */
export async function attachmentKey(cek: Uint8Array, attachmentId: string, usage: KeyUsage): Promise<CryptoKey> {
  if (cek.length !== 32) throw new Error("content key must be 32 bytes");
  if (!attachmentIdPattern.test(attachmentId)) throw new Error("invalid attachment id");
  const s = subtle();
  const ikm = await s.importKey("raw", concat(cek), "HKDF", false, ["deriveBits"]);
  const bits = await s.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8(`kuvert:attachment:v1:${attachmentId}`) },
    ikm,
    256,
  );
  return s.importKey("raw", bits, { name: "AES-GCM" }, false, [usage]);
}

/** A FIFO of byte chunks that hands out exact-size slices (flat memory: at most a record or two). */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(n: number): Bytes {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0];
      const need = n - filled;
      if (head.length <= need) {
        out.set(head, filled);
        filled += head.length;
        this.chunks.shift();
      } else {
        out.set(head.subarray(0, need), filled);
        this.chunks[0] = head.subarray(need);
        filled = n;
      }
    }
    this.length -= n;
    return out;
  }
}

export interface EncryptStreamOptions {
  /** Fixed nonce prefix: for test vectors only. */
  noncePrefix?: Uint8Array;
}

/** A TransformStream from plaintext chunks (any sizes) to the v1 ciphertext stream. */
export function createEncryptStream(
  cek: Uint8Array,
  attachmentId: string,
  opts: EncryptStreamOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const prefix = opts.noncePrefix ? concat(opts.noncePrefix) : randomBytes(NONCE_PREFIX_SIZE);
  const header = encodeHeader(prefix);
  const keyPromise = attachmentKey(cek, attachmentId, "encrypt");
  const queue = new ByteQueue();
  let index = 0;
  const seal = async (record: Bytes, last: boolean): Promise<Bytes> => {
    const iv = recordNonce(prefix, index++, last);
    return new Uint8Array(
      await subtle().encrypt({ name: "AES-GCM", iv, additionalData: header, tagLength: 128 }, await keyPromise, record),
    );
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      await keyPromise;
      controller.enqueue(header);
    },
    async transform(chunk, controller) {
      queue.push(chunk);
      // Only seal a full record once more data follows: the last record must carry the flag.
      while (queue.length > RECORD_SIZE) controller.enqueue(await seal(queue.take(RECORD_SIZE), false));
    },
    async flush(controller) {
      controller.enqueue(await seal(queue.take(queue.length), true));
    },
  });
}

/**
 * A TransformStream from the v1 ciphertext stream to plaintext. It errors on a bad header, any
 * tampered, reordered or foreign record, a missing last record and anything after the last
 * record. Records are released as they verify: a consumer must treat an error as the failure
 * of the whole stream (discard what it received).
 */
export function createDecryptStream(cek: Uint8Array, attachmentId: string): TransformStream<Uint8Array, Uint8Array> {
  const keyPromise = attachmentKey(cek, attachmentId, "decrypt");
  const queue = new ByteQueue();
  let header: Bytes | null = null;
  let prefix: Bytes | null = null;
  let index = 0;
  const open = async (record: Bytes, last: boolean): Promise<Bytes> => {
    if (!header || !prefix) throw new Error("attachment stream: truncated header");
    const iv = recordNonce(prefix, index, last);
    try {
      const plain = new Uint8Array(
        await subtle().decrypt(
          { name: "AES-GCM", iv, additionalData: header, tagLength: 128 },
          await keyPromise,
          record,
        ),
      );
      index++;
      return plain;
    } catch {
      throw new Error(`attachment stream: record ${index} failed authentication`);
    }
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    async start() {
      await keyPromise;
    },
    async transform(chunk, controller) {
      queue.push(chunk);
      if (!header) {
        if (queue.length < HEADER_SIZE) return;
        header = queue.take(HEADER_SIZE);
        prefix = parseHeader(header);
      }
      while (queue.length > RECORD_SIZE + TAG_SIZE)
        controller.enqueue(await open(queue.take(RECORD_SIZE + TAG_SIZE), false));
    },
    async flush(controller) {
      if (!header) throw new Error("attachment stream: truncated header");
      if (queue.length < TAG_SIZE) throw new Error("attachment stream: truncated");
      if (queue.length === TAG_SIZE && index > 0) throw new Error("attachment stream: empty last record");
      controller.enqueue(await open(queue.take(queue.length), true));
    },
  });
}

/** The ciphertext stream of a Blob or File (e.g. an Outlook attachment or a dropped file). */
export function encryptBlob(
  blob: Blob,
  cek: Uint8Array,
  attachmentId: string,
  opts: EncryptStreamOptions = {},
): ReadableStream<Uint8Array> {
  return (blob.stream() as ReadableStream<Uint8Array>).pipeThrough(createEncryptStream(cek, attachmentId, opts));
}

/** Reads a whole stream into memory: for small data and tests only. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Bytes> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return concat(...parts);
}

/** Records in one chunk of a resumable upload (docs/api.md): 8 MiB of plaintext. */
export const UPLOAD_CHUNK_RECORDS = 128;
export const UPLOAD_CHUNK_SIZE = UPLOAD_CHUNK_RECORDS * RECORD_SIZE;

/** Number of upload chunks of a plaintext of `size` bytes (at least one). */
export function uploadChunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / UPLOAD_CHUNK_SIZE));
}

/**
 * The v1 stream of one attachment, made record by record at any position: `header` once, then
 * `sealRecords` for each piece of plaintext, so a big file is encrypted (and re-encrypted for a
 * retry: the same plaintext at the same position gives the same bytes) a chunk at a time. The
 * concatenation of the header and every piece's records, in order, is exactly what
 * createEncryptStream makes of the whole plaintext with the same nonce prefix.
 */
export interface RecordSealer {
  header: Bytes;
  /**
   * The records of `plaintext`, which starts at record `firstIndex` (a multiple of RECORD_SIZE
   * into the file); `final` for the piece that ends the file (its last record carries the flag).
   * Every piece but the final one must be whole records.
   */
  sealRecords(plaintext: Uint8Array, firstIndex: number, final: boolean): Promise<Bytes>;
}

export async function createRecordSealer(
  cek: Uint8Array,
  attachmentId: string,
  opts: EncryptStreamOptions = {},
): Promise<RecordSealer> {
  const prefix = opts.noncePrefix ? concat(opts.noncePrefix) : randomBytes(NONCE_PREFIX_SIZE);
  const header = encodeHeader(prefix);
  const key = await attachmentKey(cek, attachmentId, "encrypt");
  return {
    header,
    async sealRecords(plaintext, firstIndex, final) {
      if (!final && plaintext.length % RECORD_SIZE !== 0) throw new Error("only the final piece may end mid-record");
      const records = Math.max(final ? 1 : 0, Math.ceil(plaintext.length / RECORD_SIZE));
      const out = new Uint8Array(plaintext.length + records * TAG_SIZE);
      for (let i = 0; i < records; i++) {
        const record = plaintext.subarray(i * RECORD_SIZE, Math.min(plaintext.length, (i + 1) * RECORD_SIZE));
        const iv = recordNonce(prefix, firstIndex + i, final && i === records - 1);
        const sealed = await subtle().encrypt(
          { name: "AES-GCM", iv, additionalData: header, tagLength: 128 },
          key,
          record as Uint8Array<ArrayBuffer>,
        );
        out.set(new Uint8Array(sealed), i * (RECORD_SIZE + TAG_SIZE));
      }
      return out;
    },
  };
}
