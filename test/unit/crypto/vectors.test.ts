import crypto from "node:crypto";
import fs from "node:fs";
import { expect } from "chai";
import jose from "node-jose";
import * as web from "../../../addin/src/crypto/index.js";
import * as node from "../../../backend/src/services/messageFormat/index.js";
import { implementations } from "./helpers.js";

interface Vectors {
  content: { cekHex: string; ivHex: string; plaintext: node.MessageContent; jwe: string };
  envelope: {
    cekHex: string;
    readerPrivateJwk: web.PrivateJwk & { kid: string };
    ephemeralPrivateJwk: web.PrivateJwk;
    jweKeyHex: string;
    ivHex: string;
    sharedSecretZHex: string;
    otherInfoHex: string;
    kekHex: string;
    jwe: string;
  };
  attachment: {
    cekHex: string;
    attachmentId: string;
    attachmentKeyHex: string;
    noncePrefixHex: string;
    headerHex: string;
    firstNonceHex: string;
    streams: { plaintextLength: number; ciphertextLength: number; ciphertextSha256: string; ciphertextHex?: string }[];
  };
  sizes: { plaintext: number; ciphertext: number }[];
}

const vectors = JSON.parse(
  fs.readFileSync(new URL("../../vectors/format-v1.json", import.meta.url), "utf8"),
) as Vectors;
const hex = (h: string) => Buffer.from(h, "hex");

function pattern(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = i % 251;
  return out;
}

describe("format v1 test vectors", () => {
  describe("content JWE", () => {
    const v = vectors.content;
    it("node (native crypto) reproduces the vector and opens it", async () => {
      expect(await node.encryptContent(v.plaintext, hex(v.cekHex), { iv: hex(v.ivHex) })).to.equal(v.jwe);
      expect(await node.decryptContent(v.jwe, hex(v.cekHex))).to.deep.equal(v.plaintext);
    });
    it("browser (jose on WebCrypto) reproduces the vector and opens it", async () => {
      expect(
        await web.encryptContent(v.plaintext as web.MessageContent, web.fromHex(v.cekHex), {
          iv: web.fromHex(v.ivHex),
        }),
      ).to.equal(v.jwe);
      expect(await web.decryptContent(v.jwe, web.fromHex(v.cekHex))).to.deep.equal(v.plaintext);
    });
  });

  describe("key envelope", () => {
    const v = vectors.envelope;
    it("the Concat KDF and AES-KW intermediate values hold (independent computation)", async () => {
      const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
      const kek = crypto
        .createHash("sha256")
        .update(Buffer.concat([u32(1), hex(v.sharedSecretZHex), hex(v.otherInfoHex)]))
        .digest("hex");
      expect(kek).to.equal(v.kekHex);
      // The vector's encrypted key is the JWE-internal key wrapped (RFC 3394) under that KEK.
      const unwrap = crypto.createDecipheriv("id-aes256-wrap", hex(v.kekHex), Buffer.from("A6A6A6A6A6A6A6A6", "hex"));
      const encryptedKey = Buffer.from(v.jwe.split(".")[1], "base64url");
      expect(Buffer.concat([unwrap.update(encryptedKey), unwrap.final()]).toString("hex")).to.equal(v.jweKeyHex);
    });
    it("node (native crypto) reproduces the vector and opens it", async () => {
      const { d: _d, ...pub } = v.readerPrivateJwk;
      const jwe = await node.wrapContentKey(hex(v.cekHex), await jose.JWK.asKey(pub), {
        ephemeral: v.ephemeralPrivateJwk,
        jweKey: hex(v.jweKeyHex),
        iv: hex(v.ivHex),
      });
      expect(jwe).to.equal(v.jwe);
      expect((await node.unwrapContentKey(v.jwe, await jose.JWK.asKey(v.readerPrivateJwk))).toString("hex")).to.equal(
        v.cekHex,
      );
      expect(node.inspectEnvelope(v.jwe).kid).to.equal(v.readerPrivateJwk.kid);
    });
    it("browser (jose on WebCrypto) reproduces the vector's header members, key wrap, IV and ciphertext, and opens it", async () => {
      const { d: _d, ...pub } = v.readerPrivateJwk;
      const jwe = await web.wrapContentKey(web.fromHex(v.cekHex), pub, {
        ephemeral: v.ephemeralPrivateJwk,
        jweKey: web.fromHex(v.jweKeyHex),
        iv: web.fromHex(v.ivHex),
      });
      const [header, ...rest] = jwe.split(".");
      const [vectorHeader, ...vectorRest] = v.jwe.split(".");
      const decode = (h: string) => JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as unknown;
      // jose writes the epk members as x, crv, kty, y (the vector: kty, crv, x, y). The protected
      // header is the GCM AAD, so only the tag differs; every other part is the vector's.
      expect(decode(header)).to.deep.equal(decode(vectorHeader));
      expect(rest.slice(0, 3)).to.deep.equal(vectorRest.slice(0, 3));
      expect(web.toHex(await web.unwrapContentKey(jwe, v.readerPrivateJwk))).to.equal(v.cekHex);
      expect((await node.unwrapContentKey(jwe, await jose.JWK.asKey(v.readerPrivateJwk))).toString("hex")).to.equal(
        v.cekHex,
      );
      expect(web.toHex(await web.unwrapContentKey(v.jwe, v.readerPrivateJwk))).to.equal(v.cekHex);
    });
  });

  describe("attachment stream", () => {
    const v = vectors.attachment;
    it("derives the attachment key and the header as documented", () => {
      expect(node.attachmentKey(hex(v.cekHex), v.attachmentId).toString("hex")).to.equal(v.attachmentKeyHex);
      expect(node.encodeHeader(hex(v.noncePrefixHex)).toString("hex")).to.equal(v.headerHex);
      expect(web.toHex(web.encodeHeader(web.fromHex(v.noncePrefixHex)))).to.equal(v.headerHex);
      expect(web.toHex(web.recordNonce(web.fromHex(v.noncePrefixHex), 0, false))).to.equal(v.firstNonceHex);
    });

    it("the first record opens with a plain AES-256-GCM call (independent check)", () => {
      const s = v.streams.find((x) => x.plaintextLength === 5)!;
      const ct = hex(s.ciphertextHex!);
      const decipher = crypto.createDecipheriv(
        "aes-256-gcm",
        hex(v.attachmentKeyHex),
        Buffer.concat([hex(v.noncePrefixHex), Buffer.from([0, 0, 0, 0, 1])]),
      );
      decipher.setAAD(ct.subarray(0, 16));
      decipher.setAuthTag(ct.subarray(ct.length - 16));
      const plain = Buffer.concat([decipher.update(ct.subarray(16, ct.length - 16)), decipher.final()]);
      expect(plain.equals(pattern(5))).to.equal(true);
    });

    for (const impl of implementations) {
      it(`${impl.name} reproduces every stream vector and decrypts it back`, async () => {
        for (const s of v.streams) {
          const plain = pattern(s.plaintextLength);
          const ct = await impl.encrypt(hex(v.cekHex), v.attachmentId, plain, hex(v.noncePrefixHex));
          expect(ct.length, `length for ${s.plaintextLength}`).to.equal(s.ciphertextLength);
          expect(crypto.createHash("sha256").update(ct).digest("hex"), `sha256 for ${s.plaintextLength}`).to.equal(
            s.ciphertextSha256,
          );
          if (s.ciphertextHex) expect(ct.toString("hex")).to.equal(s.ciphertextHex);
          expect((await impl.decrypt(hex(v.cekHex), v.attachmentId, ct)).equals(plain)).to.equal(true);
        }
      });
    }

    it("both size helpers agree with the vectors and invert each other", () => {
      for (const s of vectors.sizes) {
        expect(node.encryptedAttachmentSize(s.plaintext)).to.equal(s.ciphertext);
        expect(web.encryptedSize(s.plaintext)).to.equal(s.ciphertext);
        expect(node.plaintextAttachmentSize(s.ciphertext)).to.equal(s.plaintext);
        expect(web.plaintextSize(s.ciphertext)).to.equal(s.plaintext);
      }
      // Exhaustively up to three records: a size is accepted exactly when some plaintext has it.
      const limit = 3 * 65536 + 10;
      const valid = new Set<number>();
      for (let p = 0; p <= limit; p++) valid.add(node.encryptedAttachmentSize(p));
      for (let c = 0; c <= node.encryptedAttachmentSize(limit); c++) {
        const n = node.plaintextAttachmentSize(c);
        if ((n !== null) !== valid.has(c)) throw new Error(`size ${c}`);
        if (n !== null && node.encryptedAttachmentSize(n) !== c) throw new Error(`inverse ${c}`);
        if (web.plaintextSize(c) !== n) throw new Error(`browser size ${c}`);
      }
      // Impossible sizes: a 1..15-byte fragment after full records, or an empty final record.
      for (const bad of [31, 16 + 65552 + 5, 16 + 65552 + 16, 16 + 2 * 65552 + 15]) {
        expect(node.plaintextAttachmentSize(bad), String(bad)).to.equal(null);
        expect(web.plaintextSize(bad), String(bad)).to.equal(null);
      }
    });
  });
});
