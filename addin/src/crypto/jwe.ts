import { b64u, concat, fromB64u, fromUtf8, randomBytes, subtle, u32be, utf8, type Bytes } from "./bytes.js";
import { FORMAT_VERSION, parseMessageContent, serializeMessageContent, type MessageContent } from "./content.js";

/**
 * JWE compact serialization (RFC 7516) for the two JWE kinds of format v1 (docs/format.md):
 * - content: alg "dir", enc "A256GCM", under the message's 256-bit content key (CEK);
 * - key envelope: alg "ECDH-ES+A256KW", enc "A256GCM", to one reader's P-256 key; its
 *   plaintext is the 32 raw bytes of the message CEK. Key agreement with the Concat KDF of
 *   RFC 7518 §4.6.2 (no apu/apv), key wrap with AES-KW (RFC 3394).
 * Both carry the protected header member "kuvert": 1.
 */
export const ENVELOPE_ALG = "ECDH-ES+A256KW";
export const CONTENT_ALG = "dir";
export const ENC = "A256GCM";

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

interface Compact {
  headerB64: string;
  header: Record<string, unknown>;
  encryptedKey: Bytes;
  iv: Bytes;
  ciphertext: Bytes;
  tag: Bytes;
}

/** Splits a compact JWE; throws on anything but five base64url parts and a JSON header. */
export function parseCompact(jwe: string): Compact {
  const parts = jwe.split(".");
  if (parts.length !== 5) throw new Error("JWE: not a compact serialization");
  const [headerB64, ek, iv, ct, tag] = parts;
  let header: unknown;
  try {
    header = JSON.parse(fromUtf8(fromB64u(headerB64)));
  } catch {
    throw new Error("JWE: bad protected header");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    throw new Error("JWE: bad protected header");
  return {
    headerB64,
    header: header as Record<string, unknown>,
    encryptedKey: fromB64u(ek),
    iv: fromB64u(iv),
    ciphertext: fromB64u(ct),
    tag: fromB64u(tag),
  };
}

function serialize(headerB64: string, encryptedKey: Uint8Array, iv: Uint8Array, ctAndTag: Uint8Array): string {
  const ct = ctAndTag.subarray(0, ctAndTag.length - 16);
  const tag = ctAndTag.subarray(ctAndTag.length - 16);
  return [headerB64, b64u(encryptedKey), b64u(iv), b64u(ct), b64u(tag)].join(".");
}

async function gcmEncrypt(key: CryptoKey, iv: Bytes, aad: Bytes, plaintext: Bytes): Promise<Bytes> {
  return new Uint8Array(
    await subtle().encrypt({ name: "AES-GCM", iv, additionalData: aad, tagLength: 128 }, key, plaintext),
  );
}

async function gcmDecrypt(key: CryptoKey, c: Compact): Promise<Bytes> {
  if (c.iv.length !== 12 || c.tag.length !== 16) throw new Error("JWE: bad iv or tag length");
  try {
    const data = concat(c.ciphertext, c.tag);
    return new Uint8Array(
      await subtle().decrypt(
        { name: "AES-GCM", iv: c.iv, additionalData: utf8(c.headerB64), tagLength: 128 },
        key,
        data,
      ),
    );
  } catch {
    throw new Error("JWE: decryption failed");
  }
}

function checkHeader(c: Compact, alg: string): void {
  if (c.header.alg !== alg || c.header.enc !== ENC) throw new Error(`JWE: expected alg ${alg} and enc ${ENC}`);
  if (c.header.kuvert !== FORMAT_VERSION) throw new Error("JWE: unsupported kuvert format version");
  if ("zip" in c.header || "crit" in c.header) throw new Error("JWE: unsupported header member");
}

function importAesGcm(raw: Bytes, usage: KeyUsage): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error("content key must be 32 bytes");
  return subtle().importKey("raw", raw, { name: "AES-GCM" }, false, [usage]);
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
  const headerB64 = b64u(utf8(JSON.stringify({ alg: CONTENT_ALG, enc: ENC, kuvert: FORMAT_VERSION })));
  const iv = opts.iv ? concat(opts.iv) : randomBytes(12);
  const key = await importAesGcm(concat(cek), "encrypt");
  const ct = await gcmEncrypt(key, iv, utf8(headerB64), utf8(serializeMessageContent(content)));
  return serialize(headerB64, new Uint8Array(0), iv, ct);
}

export async function decryptContent(jwe: string, cek: Uint8Array): Promise<MessageContent> {
  const c = parseCompact(jwe);
  checkHeader(c, CONTENT_ALG);
  if (c.encryptedKey.length !== 0) throw new Error("JWE: dir must have an empty encrypted key");
  const plain = await gcmDecrypt(await importAesGcm(concat(cek), "decrypt"), c);
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(plain));
  } catch {
    throw new Error("content: not JSON");
  }
  return parseMessageContent(value);
}

function publicPart(jwk: PublicJwk): JsonWebKey {
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
}

/** Concat KDF (NIST SP 800-56A, as profiled by RFC 7518 §4.6.2) for 256-bit output. */
export async function concatKdf(
  z: Uint8Array,
  algorithmId: string,
  apu = new Uint8Array(0),
  apv = new Uint8Array(0),
): Promise<Bytes> {
  const alg = utf8(algorithmId);
  const otherInfo = concat(u32be(alg.length), alg, u32be(apu.length), apu, u32be(apv.length), apv, u32be(256));
  return new Uint8Array(await subtle().digest("SHA-256", concat(u32be(1), z, otherInfo)));
}

async function ecdh(privateJwk: PrivateJwk, publicJwk: PublicJwk): Promise<Bytes> {
  const s = subtle();
  const priv = await s.importKey(
    "jwk",
    { ...publicPart(privateJwk), d: privateJwk.d },
    { name: "ECDH", namedCurve: "P-256" },
    false,
    ["deriveBits"],
  );
  const pub = await s.importKey("jwk", publicPart(publicJwk), { name: "ECDH", namedCurve: "P-256" }, false, []);
  return new Uint8Array(await s.deriveBits({ name: "ECDH", public: pub }, priv, 256));
}

async function ephemeralKey(): Promise<PrivateJwk> {
  const pair = await subtle().generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const jwk = await subtle().exportKey("jwk", pair.privateKey);
  if (!jwk.x || !jwk.y || !jwk.d) throw new Error("could not export the ephemeral key");
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d };
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
  if (cek.length !== 32) throw new Error("content key must be 32 bytes");
  if (reader.kty !== "EC" || reader.crv !== "P-256") throw new Error("reader key must be EC P-256");
  const s = subtle();
  const epk = opts.ephemeral ?? (await ephemeralKey());
  const header: Record<string, unknown> = { alg: ENVELOPE_ALG, enc: ENC, kuvert: FORMAT_VERSION };
  if (reader.kid) header.kid = reader.kid;
  header.epk = { kty: "EC", crv: "P-256", x: epk.x, y: epk.y };
  const headerB64 = b64u(utf8(JSON.stringify(header)));

  const kek = await s.importKey("raw", await concatKdf(await ecdh(epk, reader), ENVELOPE_ALG), "AES-KW", false, [
    "wrapKey",
  ]);
  const jweKeyBytes = opts.jweKey ? concat(opts.jweKey) : randomBytes(32);
  const jweKey = await s.importKey("raw", jweKeyBytes, { name: "AES-GCM" }, true, ["encrypt"]);
  const encryptedKey = new Uint8Array(await s.wrapKey("raw", jweKey, kek, "AES-KW"));
  const iv = opts.iv ? concat(opts.iv) : randomBytes(12);
  const ct = await gcmEncrypt(jweKey, iv, utf8(headerB64), concat(cek));
  return serialize(headerB64, encryptedKey, iv, ct);
}

/** Opens a key envelope with the reader's private key; throws for any other key or tampering. */
export async function unwrapContentKey(envelope: string, reader: PrivateJwk): Promise<Bytes> {
  const c = parseCompact(envelope);
  checkHeader(c, ENVELOPE_ALG);
  const epk = c.header.epk as Partial<PublicJwk> | undefined;
  if (!epk || epk.kty !== "EC" || epk.crv !== "P-256" || typeof epk.x !== "string" || typeof epk.y !== "string") {
    throw new Error("JWE: bad epk");
  }
  if (c.encryptedKey.length !== 40) throw new Error("JWE: bad encrypted key length");
  const s = subtle();
  let jweKey: CryptoKey;
  try {
    const kek = await s.importKey(
      "raw",
      await concatKdf(await ecdh(reader, epk as PublicJwk), ENVELOPE_ALG),
      "AES-KW",
      false,
      ["unwrapKey"],
    );
    jweKey = await s.unwrapKey("raw", c.encryptedKey, kek, "AES-KW", { name: "AES-GCM" }, false, ["decrypt"]);
  } catch {
    throw new Error("JWE: key unwrap failed");
  }
  const cek = await gcmDecrypt(jweKey, c);
  if (cek.length !== 32) throw new Error("JWE: envelope does not hold a 256-bit key");
  return cek;
}
