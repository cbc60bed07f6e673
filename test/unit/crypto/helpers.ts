import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as web from "../../../addin/src/crypto/index.js";
import {
  createAttachmentDecryptor,
  createAttachmentEncryptor,
} from "../../../backend/src/services/messageFormat/index.js";

/** Splits `data` into chunks of varying sizes, to exercise record boundaries. */
export function chunked(data: Uint8Array, sizes = [1, 7, 1000, 65535, 65537, 3]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const n = sizes[i++ % sizes.length];
    out.push(data.subarray(offset, offset + n));
    offset += n;
  }
  return out;
}

async function runNode(transform: NodeJS.ReadWriteStream, data: Uint8Array): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(chunked(data).map((c) => Buffer.from(c))),
    transform,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

export function nodeEncrypt(
  cek: Uint8Array,
  id: string,
  plaintext: Uint8Array,
  noncePrefix?: Uint8Array,
): Promise<Buffer> {
  return runNode(
    createAttachmentEncryptor(Buffer.from(cek), id, noncePrefix ? { noncePrefix: Buffer.from(noncePrefix) } : {}),
    plaintext,
  );
}

export function nodeDecrypt(cek: Uint8Array, id: string, ciphertext: Uint8Array): Promise<Buffer> {
  return runNode(createAttachmentDecryptor(Buffer.from(cek), id), ciphertext);
}

function webSource(data: Uint8Array): ReadableStream<Uint8Array> {
  const chunks = chunked(data).map((c) => web.fromHex(Buffer.from(c).toString("hex")));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

export async function webEncrypt(
  cek: Uint8Array,
  id: string,
  plaintext: Uint8Array,
  noncePrefix?: Uint8Array,
): Promise<Buffer> {
  return Buffer.from(
    await web.collect(webSource(plaintext).pipeThrough(web.createEncryptStream(cek, id, { noncePrefix }))),
  );
}

export async function webDecrypt(cek: Uint8Array, id: string, ciphertext: Uint8Array): Promise<Buffer> {
  return Buffer.from(await web.collect(webSource(ciphertext).pipeThrough(web.createDecryptStream(cek, id))));
}

export const implementations = [
  { name: "node", encrypt: nodeEncrypt, decrypt: nodeDecrypt },
  { name: "browser", encrypt: webEncrypt, decrypt: webDecrypt },
] as const;

export async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}
