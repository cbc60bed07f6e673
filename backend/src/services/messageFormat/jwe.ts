import crypto from "node:crypto";
import type jose from "node-jose";
import { FORMAT_VERSION, parseMessageContentJson, serializeMessageContent, type MessageContent } from "./content.js";

/**
 * Content JWE (dir + A256GCM under the message CEK) and key envelopes (ECDH-ES+A256KW +
 * A256GCM to a reader's P-256 key, holding the 32 raw CEK bytes), compact serialization,
 * protected header member "kuvert": 1. docs/format.md §2–3. Node's crypto does the maths; node-jose
 * keys are accepted as they are parsed elsewhere. The browser twin is
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

function checkCek(cek: Buffer): void {
  if (!Buffer.isBuffer(cek) || cek.length !== 32) throw new FormatError("content key must be 32 bytes");
}

/**
 * The JWE primitives of format v1 on Node's own crypto (OpenSSL), RFC 7516/7518. node-jose
 * (kept for JWK parsing and as the reference implementation in the tests) did the P-256 maths
 * of each envelope in JavaScript: about 70 ms of one core per reader under load, against well
 * under 1 ms here. The output is byte for byte what node-jose wrote (header member order
 * included): test/vectors/format-v1.json and test/unit/crypto/nativeJwe.test.ts check both ways.
 */
function b64u(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** AES-256-GCM over `plaintext` with the encoded protected header as AAD: [ciphertext, tag]. */
function gcmEncrypt(key: Buffer, iv: Buffer, aad: string, plaintext: Buffer): [Buffer, Buffer] {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [ciphertext, cipher.getAuthTag()];
}

/** The plaintext, or null when the tag does not verify. */
function gcmDecrypt(key: Buffer, p: CompactParts, aad: string): Buffer | null {
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, p.iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad, "ascii"));
    decipher.setAuthTag(p.tag);
    return Buffer.concat([decipher.update(p.ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}

function newIv(testing?: Buffer): Buffer {
  if (testing && testing.length !== 12) throw new FormatError("IV must be 12 bytes");
  return testing ? Buffer.from(testing) : crypto.randomBytes(12);
}

function compact(header: string, encryptedKey: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): string {
  return `${header}.${b64u(encryptedKey)}.${b64u(iv)}.${b64u(ciphertext)}.${b64u(tag)}`;
}

const CONTENT_HEADER = b64u(JSON.stringify({ alg: CONTENT_ALG, enc: ENC, kuvert: FORMAT_VERSION }));

/** Encrypts message content under the CEK (dir + A256GCM). `iv` is for test vectors only. */
export async function encryptContent(
  content: MessageContent,
  cek: Buffer,
  testing: { iv?: Buffer } = {},
): Promise<string> {
  checkCek(cek);
  const iv = newIv(testing.iv);
  const [ciphertext, tag] = gcmEncrypt(cek, iv, CONTENT_HEADER, Buffer.from(serializeMessageContent(content), "utf8"));
  return compact(CONTENT_HEADER, Buffer.alloc(0), iv, ciphertext, tag);
}

export async function decryptContent(jwe: string, cek: Buffer): Promise<MessageContent> {
  inspectContent(jwe);
  checkCek(cek);
  const plaintext = gcmDecrypt(cek, parseCompact(jwe), jwe.slice(0, jwe.indexOf(".")));
  if (!plaintext) throw new FormatError("JWE: decryption failed");
  return parseMessageContentJson(plaintext.toString("utf8"));
}

/** The P-256 members of a JWK, from a node-jose key or a plain object. */
interface EcJwk {
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
  d?: unknown;
  kid?: unknown;
}

function jwkOf(key: jose.JWK.Key | EcJwk, withPrivate: boolean): EcJwk {
  const maybe = key as { toJSON?: (p?: boolean) => object };
  return typeof maybe.toJSON === "function" ? (maybe.toJSON(withPrivate) as EcJwk) : (key as EcJwk);
}

function coordinate(value: unknown, what: string): Buffer {
  const bytes = typeof value === "string" ? b64(value) : null;
  if (!bytes || bytes.length !== 32) throw new FormatError(`${what} must be EC P-256`);
  return bytes;
}

/** The uncompressed point 04 || x || y of a P-256 JWK (checked on the curve when used). */
function publicPoint(jwk: EcJwk, what: string): Buffer {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256") throw new FormatError(`${what} must be EC P-256`);
  return Buffer.concat([Buffer.from([4]), coordinate(jwk.x, what), coordinate(jwk.y, what)]);
}

/** Z = ECDH(private, public); OpenSSL refuses a point that is not on the curve. */
function sharedSecret(ecdh: crypto.ECDH, point: Buffer): Buffer | null {
  try {
    return ecdh.computeSecret(point);
  } catch {
    return null;
  }
}

/** OtherInfo of the Concat KDF for ECDH-ES+A256KW without apu/apv (RFC 7518 §4.6.2). */
const OTHER_INFO = (() => {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const alg = Buffer.from(ENVELOPE_ALG, "ascii");
  return Buffer.concat([u32(alg.length), alg, u32(0), u32(0), u32(256)]);
})();

/** The key-encryption key: Concat KDF (NIST SP 800-56A) with SHA-256, one round for 256 bits. */
function concatKdf(z: Buffer): Buffer {
  return crypto
    .createHash("sha256")
    .update(Buffer.from([0, 0, 0, 1]))
    .update(z)
    .update(OTHER_INFO)
    .digest();
}

const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

function aesKeyWrap(kek: Buffer, key: Buffer): Buffer {
  const c = crypto.createCipheriv("id-aes256-wrap", kek, KW_IV);
  return Buffer.concat([c.update(key), c.final()]);
}

/** RFC 3394 unwrap; null when the integrity check fails (wrong KEK or tampering). */
function aesKeyUnwrap(kek: Buffer, wrapped: Buffer): Buffer | null {
  try {
    const d = crypto.createDecipheriv("id-aes256-wrap", kek, KW_IV);
    return Buffer.concat([d.update(wrapped), d.final()]);
  } catch {
    return null;
  }
}

export interface WrapTestingOptions {
  /** Fixed ephemeral key (private JWK), JWE-internal key and IV: for test vectors only. */
  ephemeral?: object;
  jweKey?: Buffer;
  iv?: Buffer;
}

/**
 * Wraps the message CEK to one reader's public key (a node-jose key or its public JWK): a key
 * envelope, ECDH-ES+A256KW with a fresh ephemeral P-256 key, then A256GCM over the 32 CEK
 * bytes under a fresh JWE-internal key, as RFC 7516 §5.1 lays out.
 */
export async function wrapContentKey(
  cek: Buffer,
  reader: jose.JWK.Key | EcJwk,
  testing: WrapTestingOptions = {},
): Promise<string> {
  checkCek(cek);
  const jwk = jwkOf(reader, false);
  const readerPoint = publicPoint(jwk, "reader key");
  const kid = typeof jwk.kid === "string" && jwk.kid ? jwk.kid : null;

  const ephemeral = crypto.createECDH("prime256v1");
  if (testing.ephemeral) {
    const d = coordinate((testing.ephemeral as EcJwk).d, "ephemeral key");
    ephemeral.setPrivateKey(d);
  } else {
    ephemeral.generateKeys();
  }
  const epkPoint = ephemeral.getPublicKey();
  const z = sharedSecret(ephemeral, readerPoint);
  if (!z) throw new FormatError("reader key must be EC P-256");
  const kek = concatKdf(z);
  const jweKey = testing.jweKey ? Buffer.from(testing.jweKey) : crypto.randomBytes(32);
  if (jweKey.length !== 32) throw new FormatError("JWE key must be 32 bytes");
  try {
    const encryptedKey = aesKeyWrap(kek, jweKey);
    const header = b64u(
      JSON.stringify({
        alg: ENVELOPE_ALG,
        enc: ENC,
        kuvert: FORMAT_VERSION,
        ...(kid ? { kid } : {}),
        epk: { kty: "EC", crv: "P-256", x: b64u(epkPoint.subarray(1, 33)), y: b64u(epkPoint.subarray(33, 65)) },
      }),
    );
    const iv = newIv(testing.iv);
    const [ciphertext, tag] = gcmEncrypt(jweKey, iv, header, cek);
    return compact(header, encryptedKey, iv, ciphertext, tag);
  } finally {
    z.fill(0);
    kek.fill(0);
    jweKey.fill(0);
  }
}

/** A node-jose key store holding several private keys (a shared mailbox's key versions). */
interface KeyRing {
  all(): jose.JWK.Key[];
  get(kid: string): jose.JWK.Key | null;
}

function isKeyRing(key: unknown): key is KeyRing {
  return typeof (key as Partial<KeyRing>).all === "function" && typeof (key as Partial<KeyRing>).get === "function";
}

/**
 * Opens a key envelope with the reader's private key, or with the key of a key ring the
 * envelope's `kid` names (every key of the ring when it names none); FormatError for any other
 * key or tampering.
 */
export async function unwrapContentKey(envelope: string, privateKey: jose.JWK.Key | EcJwk | KeyRing): Promise<Buffer> {
  if (isKeyRing(privateKey)) {
    const { kid } = inspectEnvelope(envelope);
    const named = kid ? privateKey.get(kid) : null;
    for (const key of named ? [named] : privateKey.all()) {
      try {
        return await unwrapContentKey(envelope, key);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
      }
    }
    throw new FormatError("JWE: key envelope does not open with this key");
  }
  inspectEnvelope(envelope);
  const p = parseCompact(envelope);
  const epk = p.header.epk as EcJwk;
  const jwk = jwkOf(privateKey, true);
  publicPoint(jwk, "reader key");
  const d = coordinate(jwk.d, "reader private key");
  const fail = () => new FormatError("JWE: key envelope does not open with this key");
  const ecdh = crypto.createECDH("prime256v1");
  try {
    ecdh.setPrivateKey(d);
  } catch {
    throw new FormatError("reader private key must be EC P-256");
  } finally {
    d.fill(0);
  }
  const z = sharedSecret(ecdh, publicPoint(epk, "epk"));
  if (!z) throw fail();
  const kek = concatKdf(z);
  z.fill(0);
  const jweKey = aesKeyUnwrap(kek, p.encryptedKey);
  kek.fill(0);
  if (!jweKey || jweKey.length !== 32) throw fail();
  const cek = gcmDecrypt(jweKey, p, envelope.slice(0, envelope.indexOf(".")));
  jweKey.fill(0);
  if (!cek) throw fail();
  if (cek.length !== 32) throw new FormatError("JWE: envelope does not hold a 256-bit key");
  return cek;
}
