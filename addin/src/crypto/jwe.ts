import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK } from "jose";
import { randomBytes, utf8, type Bytes } from "./bytes.js";
import { FORMAT_VERSION, parseMessageContentJson, serializeMessageContent, type MessageContent } from "./content.js";

/**
 * The two JWE kinds of format v1 (docs/format.md), compact serialization, with `jose` on
 * WebCrypto (the backend twin uses node-jose; both reproduce test/vectors/format-v1.json):
 * - content: alg "dir", enc "A256GCM", under the message's 256-bit content key (CEK);
 * - key envelope: alg "ECDH-ES+A256KW", enc "A256GCM", to one reader's P-256 key; its
 *   plaintext is the 32 raw bytes of the message CEK (no apu/apv).
 * Both carry the protected header member "kuvert": 1; decoders refuse any other member.
 */
export const ENVELOPE_ALG = "ECDH-ES+A256KW";
export const CONTENT_ALG = "dir";
export const ENC = "A256GCM";

const CONTENT_MEMBERS = ["alg", "enc", "kuvert"];
const ENVELOPE_MEMBERS = ["alg", "enc", "kuvert", "kid", "epk"];

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid?: string;
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

/** Checks the protected header before any key is used; throws a plain Error naming the problem. */
function checkHeader(jwe: string, alg: string, allowed: string[]): void {
  if (typeof jwe !== "string" || jwe.split(".").length !== 5) throw new Error("JWE: not a compact serialization");
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe);
  } catch {
    throw new Error("JWE: bad protected header");
  }
  if (header.alg !== alg || header.enc !== ENC) throw new Error(`JWE: expected alg ${alg} and enc ${ENC}`);
  if (header.kuvert !== FORMAT_VERSION) throw new Error("JWE: unsupported kuvert format version");
  const extra = Object.keys(header).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new Error(`JWE: unexpected header member ${extra}`);
}

function checkContentKey(cek: Uint8Array): void {
  if (cek.length !== 32) throw new Error("content key must be 32 bytes");
}

/** A WebCrypto ECDH key from the P-256 members of a JWK (with `d`: a private key). */
function ecKey(jwk: PublicJwk, d?: string, extractable = d === undefined): Promise<CryptoKey> {
  const input = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ...(d === undefined ? {} : { d }) };
  return importJWK(input, ENVELOPE_ALG, { extractable }) as Promise<CryptoKey>;
}

/** A fresh random 256-bit content key. */
export function generateContentKey(): Bytes {
  return randomBytes(32);
}

/** Encrypts the message content (dir + A256GCM). `iv` only for test vectors. */
export async function encryptContent(
  content: MessageContent,
  cek: Uint8Array,
  opts: { iv?: Uint8Array } = {},
): Promise<string> {
  checkContentKey(cek);
  const jwe = new CompactEncrypt(utf8(serializeMessageContent(content))).setProtectedHeader({
    alg: CONTENT_ALG,
    enc: ENC,
    kuvert: FORMAT_VERSION,
  });
  if (opts.iv) jwe.setInitializationVector(opts.iv);
  return jwe.encrypt(cek);
}

/** Opens a content JWE with the message CEK and checks the content against the v1 schema. */
export async function decryptContent(jwe: string, cek: Uint8Array): Promise<MessageContent> {
  checkHeader(jwe, CONTENT_ALG, CONTENT_MEMBERS);
  checkContentKey(cek);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, cek, {
      keyManagementAlgorithms: [CONTENT_ALG],
      contentEncryptionAlgorithms: [ENC],
    }));
  } catch {
    throw new Error("JWE: decryption failed");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch {
    throw new Error("content: not UTF-8");
  }
  return parseMessageContentJson(text);
}

export interface WrapTestingOptions {
  /** Fixed ephemeral key, JWE-internal content key and IV: for test vectors only. */
  ephemeral?: PrivateJwk;
  jweKey?: Uint8Array;
  iv?: Uint8Array;
}

/** Wraps the message CEK to one reader: a key envelope (compact JWE, ECDH-ES+A256KW). */
export async function wrapContentKey(
  cek: Uint8Array,
  reader: PublicJwk,
  opts: WrapTestingOptions = {},
): Promise<string> {
  checkContentKey(cek);
  if (reader.kty !== "EC" || reader.crv !== "P-256") throw new Error("reader key must be EC P-256");
  const jwe = new CompactEncrypt(Uint8Array.from(cek)).setProtectedHeader({
    alg: ENVELOPE_ALG,
    enc: ENC,
    kuvert: FORMAT_VERSION,
    ...(reader.kid ? { kid: reader.kid } : {}),
  });
  if (opts.ephemeral) jwe.setKeyManagementParameters({ epk: await ecKey(opts.ephemeral, opts.ephemeral.d, true) });
  if (opts.jweKey) jwe.setContentEncryptionKey(opts.jweKey);
  if (opts.iv) jwe.setInitializationVector(opts.iv);
  return jwe.encrypt(await ecKey(reader));
}

/** Opens a key envelope with the reader's private key; throws for any other key or tampering. */
export async function unwrapContentKey(envelope: string, reader: PrivateJwk): Promise<Bytes> {
  checkHeader(envelope, ENVELOPE_ALG, ENVELOPE_MEMBERS);
  let cek: Uint8Array;
  try {
    ({ plaintext: cek } = await compactDecrypt(envelope, await ecKey(reader, reader.d), {
      keyManagementAlgorithms: [ENVELOPE_ALG],
      contentEncryptionAlgorithms: [ENC],
    }));
  } catch {
    throw new Error("JWE: key unwrap failed");
  }
  if (cek.length !== 32) throw new Error("JWE: envelope does not hold a 256-bit key");
  return Uint8Array.from(cek);
}
