// Writes test/vectors/format-v1.json from fixed inputs with the Node implementation.
// Run once (`npx tsx test/vectors/generate.ts`); the file is then the reference that the Node
// and the browser implementation must both reproduce (test/unit/crypto/vectors.test.ts).
import crypto from "node:crypto";
import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";
import jose from "node-jose";
import {
  attachmentKey,
  createAttachmentEncryptor,
  encryptContent,
  encryptedAttachmentSize,
  wrapContentKey,
  type MessageContent,
} from "../../backend/src/services/messageFormat/index.js";

/** A P-256 private JWK from a fixed scalar (hex). */
export function p256FromScalar(dHex: string): { kty: "EC"; crv: "P-256"; x: string; y: string; d: string } {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(dHex, "hex"));
  const pub = ecdh.getPublicKey();
  return {
    kty: "EC",
    crv: "P-256",
    x: pub.subarray(1, 33).toString("base64url"),
    y: pub.subarray(33, 65).toString("base64url"),
    d: Buffer.from(dHex, "hex").toString("base64url"),
  };
}

export function thumbprint(jwk: { crv: string; x: string; y: string }): string {
  return crypto
    .createHash("sha256")
    .update(JSON.stringify({ crv: jwk.crv, kty: "EC", x: jwk.x, y: jwk.y }))
    .digest("base64url");
}

/** Deterministic plaintext: byte i = i mod 251. */
export function patternBytes(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = i % 251;
  return out;
}

async function encryptStream(cek: Buffer, id: string, prefix: Buffer, plaintext: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from([plaintext], { objectMode: false }),
    createAttachmentEncryptor(cek, id, { noncePrefix: prefix }),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const cek = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");
  const content: MessageContent = {
    v: 1,
    subject: "Beslut om bistånd – ärende 2026-0042",
    bodyText: "Hej!\nHär kommer beslutet. Läs bilagan.\n",
    bodyHtml: "<p>Hej!</p><p>Här kommer <b>beslutet</b>.</p>",
    attachments: [
      { id: "a1", name: "beslut.pdf", type: "application/pdf", size: 200000 },
      { id: "a2", name: "tom.txt", type: "text/plain", size: 0 },
    ],
    options: { readReceipt: true, expiresAt: "2026-12-31T23:59:59.000Z" },
  };
  const contentIv = Buffer.from("a0a1a2a3a4a5a6a7a8a9aaab", "hex");
  const contentJwe = await encryptContent(content, cek, { iv: contentIv });

  const readerPrivate = {
    ...p256FromScalar("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"),
    kid: "",
  };
  readerPrivate.kid = thumbprint(readerPrivate);
  const ephemeral = p256FromScalar("0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0");
  const jweKey = Buffer.from("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", "hex");
  const envelopeIv = Buffer.from("b0b1b2b3b4b5b6b7b8b9babb", "hex");
  const { d: _d, ...readerPublic } = readerPrivate;
  const envelope = await wrapContentKey(cek, await jose.JWK.asKey(readerPublic), { ephemeral, jweKey, iv: envelopeIv });

  // Intermediate values of ECDH-ES + Concat KDF, for implementers.
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(ephemeral.d, "base64url"));
  const z = ecdh.computeSecret(
    Buffer.concat([
      Buffer.from([4]),
      Buffer.from(readerPrivate.x, "base64url"),
      Buffer.from(readerPrivate.y, "base64url"),
    ]),
  );
  const alg = Buffer.from("ECDH-ES+A256KW");
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const otherInfo = Buffer.concat([u32(alg.length), alg, u32(0), u32(0), u32(256)]);
  const kek = crypto
    .createHash("sha256")
    .update(Buffer.concat([u32(1), z, otherInfo]))
    .digest();

  const attachmentId = "a1";
  const noncePrefix = Buffer.from("c0c1c2c3c4c5c6", "hex");
  const streams = [];
  for (const length of [0, 5, 65536, 65537, 200000]) {
    const ct = await encryptStream(cek, attachmentId, noncePrefix, patternBytes(length));
    if (ct.length !== encryptedAttachmentSize(length)) throw new Error("size formula disagrees");
    streams.push({
      plaintextLength: length,
      ciphertextLength: ct.length,
      ciphertextSha256: crypto.createHash("sha256").update(ct).digest("hex"),
      ...(ct.length <= 128
        ? { ciphertextHex: ct.toString("hex") }
        : {
            ciphertextHeadHex: ct.subarray(0, 64).toString("hex"),
            ciphertextTailHex: ct.subarray(ct.length - 32).toString("hex"),
          }),
    });
  }

  const vectors = {
    description:
      "Kuvert message format v1 test vectors (docs/format.md). Binary values in hex unless named *B64u or inside JWK/JWE.",
    version: 1,
    content: { cekHex: cek.toString("hex"), ivHex: contentIv.toString("hex"), plaintext: content, jwe: contentJwe },
    envelope: {
      cekHex: cek.toString("hex"),
      readerPrivateJwk: readerPrivate,
      ephemeralPrivateJwk: ephemeral,
      jweKeyHex: jweKey.toString("hex"),
      ivHex: envelopeIv.toString("hex"),
      sharedSecretZHex: z.toString("hex"),
      otherInfoHex: otherInfo.toString("hex"),
      kekHex: kek.toString("hex"),
      jwe: envelope,
    },
    attachment: {
      cekHex: cek.toString("hex"),
      attachmentId,
      attachmentKeyHex: attachmentKey(cek, attachmentId).toString("hex"),
      noncePrefixHex: noncePrefix.toString("hex"),
      headerHex: Buffer.concat([Buffer.from("KVAS"), Buffer.from([1]), u32(65536), noncePrefix]).toString("hex"),
      firstNonceHex: Buffer.concat([noncePrefix, u32(0), Buffer.from([0])]).toString("hex"),
      plaintextPattern: "byte i = i mod 251",
      streams,
    },
    sizes: [0, 1, 65535, 65536, 65537, 131072, 131073, 524288000].map((p) => ({
      plaintext: p,
      ciphertext: encryptedAttachmentSize(p),
    })),
  };
  fs.writeFileSync(new URL("./format-v1.json", import.meta.url), JSON.stringify(vectors, null, 2) + "\n");
}

await main();
