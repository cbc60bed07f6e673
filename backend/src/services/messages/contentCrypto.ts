import type jose from "node-jose";
import {
  FORMAT_VERSION,
  decryptContent,
  encryptContent,
  newContentKey,
  unwrapContentKey,
  wrapContentKey,
  type MessageContent,
} from "../messageFormat/index.js";

/**
 * The messaging side of message format v1 (docs/format.md, implemented by KEYS in
 * services/messageFormat): one content JWE under a fresh content key, one key envelope per
 * reader. The same stored form as the add-in's pre-encrypted messages.
 */
export { FORMAT_VERSION };

export interface ReaderKey {
  userId: string;
  publicKey: jose.JWK.Key;
}

export interface SealedMessage {
  content: string;
  envelopes: Array<{ userId: string; jwe: string }>;
}

/** Encrypts `content` under a new content key and wraps that key for every reader. */
export async function sealMessage(content: MessageContent, readers: ReaderKey[]): Promise<SealedMessage> {
  const cek = newContentKey();
  try {
    return await sealMessageWithKey(content, cek, readers);
  } finally {
    cek.fill(0);
  }
}

/** The same with a given content key (a draft's, whose attachments are already under it). */
export async function sealMessageWithKey(
  content: MessageContent,
  cek: Buffer,
  readers: ReaderKey[],
): Promise<SealedMessage> {
  const jwe = await encryptContent(content, cek);
  const envelopes = await Promise.all(
    readers.map(async (r) => ({ userId: r.userId, jwe: await wrapContentKey(cek, r.publicKey) })),
  );
  return { content: jwe, envelopes };
}

export class MessageDecryptError extends Error {
  constructor(message = "the message cannot be decrypted with this key") {
    super(message);
    this.name = "MessageDecryptError";
  }
}

/** The message's content key from a reader's envelope. The caller zeroes it after use. */
export async function openContentKey(envelope: string, privateKey: jose.JWK.Key): Promise<Buffer> {
  try {
    return await unwrapContentKey(envelope, privateKey);
  } catch {
    throw new MessageDecryptError();
  }
}

/** Opens a reader's key envelope with their private key and decrypts the content. */
export async function openMessage(
  content: string,
  envelope: string,
  privateKey: jose.JWK.Key,
): Promise<MessageContent> {
  const cek = await openContentKey(envelope, privateKey);
  try {
    return await decryptContent(content, cek);
  } catch {
    throw new MessageDecryptError();
  } finally {
    cek.fill(0);
  }
}
