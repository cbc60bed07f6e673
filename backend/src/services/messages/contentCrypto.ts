import crypto from "node:crypto";
import jose from "node-jose";

/**
 * Message format v1 (server side), as in DESIGN.md:
 * - content: compact JWE, `alg: "dir"`, `enc: "A256GCM"`, under a random 256-bit content key
 *   (CEK); the protected header carries `kmid` (the message id) and `kv` (format version), so
 *   a content row cannot be moved to another message.
 * - key envelope: compact JWE, `alg: "ECDH-ES+A256KW"`, `enc: "A256GCM"`, to one reader's
 *   P-256 public key (`kid` = its thumbprint); the payload is the raw CEK; the protected header
 *   carries `kmid` and `kuid` (the reader's user id).
 * KEYS owns the normative description in docs/format.md; this module is swapped for its
 * functions when they land.
 */
export const FORMAT_VERSION = 1;
const CONTENT_TYPE = "application/vnd.kuvert.content+json";

export interface ReaderKey {
  userId: string;
  publicKey: jose.JWK.Key;
}

export interface SealedMessage {
  content: string;
  envelopes: Array<{ userId: string; jwe: string }>;
}

async function cekKey(cek: Buffer): Promise<jose.JWK.Key> {
  return jose.JWK.asKey({ kty: "oct", kid: "cek", k: cek.toString("base64url"), alg: "A256GCM", use: "enc" });
}

/** Encrypts `plaintext` (UTF-8 JSON) for message `messageId` and wraps its key for every reader. */
export async function sealMessage(messageId: string, plaintext: object, readers: ReaderKey[]): Promise<SealedMessage> {
  const cek = crypto.randomBytes(32);
  try {
    const content = await jose.JWE.createEncrypt(
      { format: "compact", contentAlg: "A256GCM", fields: { alg: "dir", cty: CONTENT_TYPE, kmid: messageId, kv: FORMAT_VERSION } },
      await cekKey(cek),
    )
      .update(Buffer.from(JSON.stringify(plaintext), "utf8"))
      .final();
    const envelopes = await Promise.all(
      readers.map(async (r) => ({
        userId: r.userId,
        jwe: await jose.JWE.createEncrypt(
          { format: "compact", contentAlg: "A256GCM", fields: { alg: "ECDH-ES+A256KW", kid: r.publicKey.kid, kmid: messageId, kuid: r.userId } },
          r.publicKey,
        )
          .update(cek)
          .final(),
      })),
    );
    return { content: content as unknown as string, envelopes: envelopes as Array<{ userId: string; jwe: string }> };
  } finally {
    cek.fill(0);
  }
}

export class MessageDecryptError extends Error {
  constructor(message = "the message cannot be decrypted with this key") {
    super(message);
    this.name = "MessageDecryptError";
  }
}

function protectedHeader(result: jose.JWE.DecryptResult): Record<string, unknown> {
  return result.header as Record<string, unknown>;
}

/**
 * Opens a reader's key envelope with their private key and decrypts the content. Checks that
 * both were made for `messageId` (and the envelope for `userId`). Throws MessageDecryptError.
 */
export async function openMessage<T>(messageId: string, userId: string, content: string, envelope: string, privateKey: jose.JWK.Key): Promise<T> {
  let cek: Buffer | undefined;
  try {
    const env = await jose.JWE.createDecrypt(privateKey, { algorithms: ["ECDH-ES+A256KW", "A256GCM"] }).decrypt(envelope);
    const envHeader = protectedHeader(env);
    if (envHeader.kmid !== messageId || envHeader.kuid !== userId) throw new MessageDecryptError("key envelope belongs to another message");
    cek = Buffer.from(env.payload);
    if (cek.length !== 32) throw new MessageDecryptError("content key has the wrong length");
    const body = await jose.JWE.createDecrypt(await cekKey(cek), { algorithms: ["dir", "A256GCM"] }).decrypt(content);
    const header = protectedHeader(body);
    if (header.kmid !== messageId || header.kv !== FORMAT_VERSION) throw new MessageDecryptError("content belongs to another message");
    return JSON.parse(body.payload.toString("utf8")) as T;
  } catch (err) {
    if (err instanceof MessageDecryptError) throw err;
    throw new MessageDecryptError();
  } finally {
    cek?.fill(0);
  }
}
