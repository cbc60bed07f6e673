import crypto from "node:crypto";
import jose from "node-jose";
import { FORMAT_VERSION, parseMessageContentJson, serializeMessageContent, type MessageContent } from "./content.js";

/**
 * Content JWE (dir + A256GCM under the message CEK) and key envelopes (ECDH-ES+A256KW +
 * A256GCM to a reader's P-256 key, holding the 32 raw CEK bytes), compact serialization,
 * protected header member "kuvert": 1. docs/format.md §2–3. The browser twin is
 * addin/src/crypto/jwe.ts; both reproduce test/vectors/format-v1.json.
 */
export const ENVELOPE_ALG = "ECDH-ES+A256KW";
export const CONTENT_ALG = "dir";
export const ENC = "A256GCM";

export class FormatError extends Error {
  override name = "FormatError";
}

/** A fresh random 256-bit content key. */
export function newContentKey(): Buffer {
  return crypto.randomBytes(32);
}

function b64(data: string): Buffer | null {
  return /^[A-Za-z0-9_-]*$/.test(data) ? Buffer.from(data, "base64url") : null;
}

interface CompactParts {
  header: Record<string, unknown>;
  encryptedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseCompact(jwe: string): CompactParts {
  if (typeof jwe !== "string" || jwe.length > 64 * 1024 * 1024)
    throw new FormatError("JWE: not a string of sensible size");
  const parts = jwe.split(".");
  if (parts.length !== 5) throw new FormatError("JWE: not a compact serialization");
  const decoded = parts.map(b64);
  if (decoded.some((d) => d === null)) throw new FormatError("JWE: invalid base64url");
  let header: unknown;
  try {
    header = JSON.parse(decoded[0]!.toString("utf8"));
  } catch {
    throw new FormatError("JWE: bad protected header");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw new FormatError("JWE: bad protected header");
  return {
    header: header as Record<string, unknown>,
    encryptedKey: decoded[1]!,
    iv: decoded[2]!,
    ciphertext: decoded[3]!,
    tag: decoded[4]!,
  };
}

function checkCommon(p: CompactParts, alg: string, allowed: string[]): void {
  if (p.header.alg !== alg || p.header.enc !== ENC) throw new FormatError(`JWE: expected alg ${alg} and enc ${ENC}`);
  if (p.header.kuvert !== FORMAT_VERSION) throw new FormatError("JWE: unsupported kuvert format version");
  const extra = Object.keys(p.header).filter((k) => !allowed.includes(k));
  if (extra.length) throw new FormatError(`JWE: unexpected header member ${extra[0]}`);
  if (p.iv.length !== 12 || p.tag.length !== 16) throw new FormatError("JWE: bad iv or tag length");
}

/**
 * Structure check of a content JWE without the key (the server's check of pre-encrypted
 * uploads). Returns the ciphertext length.
 */
export function inspectContent(jwe: string): { ciphertextBytes: number } {
  const p = parseCompact(jwe);
  checkCommon(p, CONTENT_ALG, ["alg", "enc", "kuvert"]);
  if (p.encryptedKey.length !== 0) throw new FormatError("JWE: dir must have an empty encrypted key");
  return { ciphertextBytes: p.ciphertext.length };
}

/** Structure check of a key envelope without the private key; returns the reader's kid if named. */
export function inspectEnvelope(jwe: string): { kid: string | null } {
  const p = parseCompact(jwe);
  checkCommon(p, ENVELOPE_ALG, ["alg", "enc", "kuvert", "kid", "epk"]);
  const epk = p.header.epk as Record<string, unknown> | undefined;
  if (
    !epk ||
    epk.kty !== "EC" ||
    epk.crv !== "P-256" ||
    typeof epk.x !== "string" ||
    typeof epk.y !== "string" ||
    "d" in epk
  ) {
    throw new FormatError("JWE: bad epk");
  }
  const x = b64(epk.x);
  const y = b64(epk.y);
  if (!x || !y || x.length !== 32 || y.length !== 32) throw new FormatError("JWE: bad epk");
  if (p.encryptedKey.length !== 40 || p.ciphertext.length !== 32)
    throw new FormatError("JWE: an envelope holds one wrapped 256-bit key");
  if (p.header.kid !== undefined && typeof p.header.kid !== "string") throw new FormatError("JWE: bad kid");
  return { kid: (p.header.kid as string | undefined) ?? null };
}

async function octKey(cek: Buffer): Promise<jose.JWK.Key> {
  if (cek.length !== 32) throw new FormatError("content key must be 32 bytes");
  return jose.JWK.asKey({ kty: "oct", k: cek.toString("base64url") });
}

/** Encrypts message content under the CEK. `iv` is for test vectors only. */
export async function encryptContent(
  content: MessageContent,
  cek: Buffer,
  testing: { iv?: Buffer } = {},
): Promise<string> {
  const opts: Record<string, unknown> = {
    format: "compact",
    fields: { alg: CONTENT_ALG, enc: ENC, kuvert: FORMAT_VERSION },
  };
  if (testing.iv) opts.iv = testing.iv;
  const recipient = { key: await octKey(cek), reference: false } as unknown as jose.JWK.Key;
  return jose.JWE.createEncrypt(opts, recipient)
    .update(Buffer.from(serializeMessageContent(content), "utf8"))
    .final();
}

export async function decryptContent(jwe: string, cek: Buffer): Promise<MessageContent> {
  inspectContent(jwe);
  let plaintext: Buffer;
  try {
    const out = await jose.JWE.createDecrypt(await octKey(cek), { algorithms: [CONTENT_ALG, ENC] }).decrypt(jwe);
    plaintext = out.plaintext;
  } catch {
    throw new FormatError("JWE: decryption failed");
  }
  return parseMessageContentJson(plaintext.toString("utf8"));
}

export interface WrapTestingOptions {
  /** Fixed ephemeral key (private JWK), JWE-internal key and IV: for test vectors only. */
  ephemeral?: object;
  jweKey?: Buffer;
  iv?: Buffer;
}

/** Wraps the message CEK to one reader's public key: a key envelope. */
export async function wrapContentKey(
  cek: Buffer,
  reader: jose.JWK.Key,
  testing: WrapTestingOptions = {},
): Promise<string> {
  if (cek.length !== 32) throw new FormatError("content key must be 32 bytes");
  if (reader.kty !== "EC" || (reader.toJSON() as { crv?: string }).crv !== "P-256")
    throw new FormatError("reader key must be EC P-256");
  const opts: Record<string, unknown> = {
    format: "compact",
    fields: { alg: ENVELOPE_ALG, enc: ENC, kuvert: FORMAT_VERSION },
  };
  if (testing.jweKey) opts.cek = { kty: "oct", k: testing.jweKey.toString("base64url") };
  if (testing.iv) opts.iv = testing.iv;
  const recipient: Record<string, unknown> = { key: reader, reference: Boolean(reader.kid) };
  if (testing.ephemeral) recipient.epk = testing.ephemeral;
  return jose.JWE.createEncrypt(opts, recipient as unknown as jose.JWK.Key)
    .update(cek)
    .final();
}

/** Opens a key envelope with the reader's private key; FormatError for any other key or tampering. */
export async function unwrapContentKey(envelope: string, privateKey: jose.JWK.Key): Promise<Buffer> {
  inspectEnvelope(envelope);
  let cek: Buffer;
  try {
    const out = await jose.JWE.createDecrypt(privateKey, { algorithms: [ENVELOPE_ALG, ENC] }).decrypt(envelope);
    cek = out.plaintext;
  } catch {
    throw new FormatError("JWE: key envelope does not open with this key");
  }
  if (cek.length !== 32) throw new FormatError("JWE: envelope does not hold a 256-bit key");
  return cek;
}
