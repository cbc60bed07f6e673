import fs from "node:fs";
import { expect } from "chai";
import jose from "node-jose";
import * as node from "../../../backend/src/services/messageFormat/index.js";
import { generateUserKeyPair } from "../../../backend/src/services/keys/userKeys.js";
import { serializeMessageContent } from "../../../backend/src/services/messageFormat/index.js";
import { rejects } from "./helpers.js";

// The backend's JWEs (services/messageFormat/jwe.ts) run on Node's own crypto. node-jose, which
// wrote every stored JWE before, is the reference here: envelopes and content JWEs must open
// in both directions, and both must reproduce the format v1 vectors byte for byte.

interface Vectors {
  content: { cekHex: string; ivHex: string; plaintext: node.MessageContent; jwe: string };
  envelope: {
    cekHex: string;
    readerPrivateJwk: Record<string, string>;
    ephemeralPrivateJwk: Record<string, string>;
    jweKeyHex: string;
    ivHex: string;
    jwe: string;
  };
}
const vectors = JSON.parse(
  fs.readFileSync(new URL("../../vectors/format-v1.json", import.meta.url), "utf8"),
) as Vectors;
const hex = (h: string) => Buffer.from(h, "hex");

const content: node.MessageContent = {
  v: 1,
  subject: "Beslut om bistånd",
  bodyText: "Hej! Här kommer beslutet.",
  bodyHtml: "<p>Hej!</p>",
  attachments: [],
  options: { readReceipt: true },
};

/** node-jose as the backend used it before (format v1 reference). */
const reference = {
  async wrap(cek: Buffer, reader: jose.JWK.Key, testing: node.WrapTestingOptions = {}): Promise<string> {
    const opts: Record<string, unknown> = {
      format: "compact",
      fields: { alg: node.ENVELOPE_ALG, enc: node.ENC, kuvert: 1 },
    };
    if (testing.jweKey) opts.cek = { kty: "oct", k: testing.jweKey.toString("base64url") };
    if (testing.iv) opts.iv = testing.iv;
    const recipient: Record<string, unknown> = { key: reader, reference: Boolean(reader.kid) };
    if (testing.ephemeral) recipient.epk = testing.ephemeral;
    return jose.JWE.createEncrypt(opts, recipient as unknown as jose.JWK.Key)
      .update(cek)
      .final();
  },
  async unwrap(envelope: string, key: jose.JWK.Key): Promise<Buffer> {
    const out = await jose.JWE.createDecrypt(key, { algorithms: [node.ENVELOPE_ALG, node.ENC] }).decrypt(envelope);
    return out.plaintext;
  },
  async encrypt(c: node.MessageContent, cek: Buffer, iv?: Buffer): Promise<string> {
    const key = await jose.JWK.asKey({ kty: "oct", k: cek.toString("base64url") });
    const opts: Record<string, unknown> = { format: "compact", fields: { alg: "dir", enc: node.ENC, kuvert: 1 } };
    if (iv) opts.iv = iv;
    return jose.JWE.createEncrypt(opts, { key, reference: false } as unknown as jose.JWK.Key)
      .update(Buffer.from(serializeMessageContent(c), "utf8"))
      .final();
  },
  async decrypt(jwe: string, cek: Buffer): Promise<string> {
    const key = await jose.JWK.asKey({ kty: "oct", k: cek.toString("base64url") });
    const out = await jose.JWE.createDecrypt(key, { algorithms: ["dir", node.ENC] }).decrypt(jwe);
    return out.plaintext.toString("utf8");
  },
};

describe("format v1: native JWEs and node-jose", () => {
  it("both reproduce the envelope vector byte for byte and open it", async () => {
    const v = vectors.envelope;
    const { d: _d, ...pub } = v.readerPrivateJwk;
    const testing = { ephemeral: v.ephemeralPrivateJwk, jweKey: hex(v.jweKeyHex), iv: hex(v.ivHex) };
    const readerPublic = await jose.JWK.asKey(pub);
    const readerPrivate = await jose.JWK.asKey(v.readerPrivateJwk);
    expect(await node.wrapContentKey(hex(v.cekHex), readerPublic, testing)).to.equal(v.jwe);
    expect(await node.wrapContentKey(hex(v.cekHex), pub, testing), "from a plain JWK").to.equal(v.jwe);
    expect(await reference.wrap(hex(v.cekHex), readerPublic, testing)).to.equal(v.jwe);
    expect((await node.unwrapContentKey(v.jwe, readerPrivate)).toString("hex")).to.equal(v.cekHex);
    expect((await reference.unwrap(v.jwe, readerPrivate)).toString("hex")).to.equal(v.cekHex);
  });

  it("both reproduce the content vector byte for byte and open it", async () => {
    const v = vectors.content;
    expect(await node.encryptContent(v.plaintext, hex(v.cekHex), { iv: hex(v.ivHex) })).to.equal(v.jwe);
    expect(await reference.encrypt(v.plaintext, hex(v.cekHex), hex(v.ivHex))).to.equal(v.jwe);
    expect(await node.decryptContent(v.jwe, hex(v.cekHex))).to.deep.equal(v.plaintext);
    expect(JSON.parse(await reference.decrypt(v.jwe, hex(v.cekHex)))).to.deep.equal(v.plaintext);
  });

  it("native envelopes open with node-jose and node-jose envelopes open natively (with and without kid)", async () => {
    for (let i = 0; i < 5; i++) {
      const withKid = await generateUserKeyPair();
      const { kid: _kid, ...noKidJwk } = withKid.toJSON(true) as Record<string, string>;
      const noKid = await jose.JWK.asKey(noKidJwk);
      for (const reader of [withKid, noKid]) {
        const cek = node.newContentKey();
        const native = await node.wrapContentKey(cek, reader);
        const legacy = await reference.wrap(cek, reader);
        expect(node.inspectEnvelope(native).kid).to.equal(reader.kid ?? null);
        // Same header members in the same order, fresh epk and IV each time.
        const header = (jwe: string) => {
          const h = JSON.parse(Buffer.from(jwe.split(".")[0], "base64url").toString()) as Record<string, unknown>;
          return Object.keys(h).join(",") + "|" + Object.keys(h.epk as object).join(",");
        };
        expect(header(native)).to.equal(header(legacy));
        expect(native.split(".").map((p) => p.length)).to.deep.equal(legacy.split(".").map((p) => p.length));
        expect((await reference.unwrap(native, reader)).equals(cek)).to.equal(true);
        expect((await node.unwrapContentKey(legacy, reader)).equals(cek)).to.equal(true);
        expect((await node.unwrapContentKey(native, reader)).equals(cek)).to.equal(true);
      }
    }
  });

  it("native content JWEs open with node-jose and the other way round", async () => {
    const cek = node.newContentKey();
    const native = await node.encryptContent(content, cek);
    const legacy = await reference.encrypt(content, cek);
    expect(native.split(".")[0]).to.equal(legacy.split(".")[0]);
    expect(JSON.parse(await reference.decrypt(native, cek))).to.deep.equal(content);
    expect(await node.decryptContent(legacy, cek)).to.deep.equal(content);
  });

  it("the native unwrap refuses another reader's key, a swapped epk, a wrong key type and tampering", async () => {
    const reader = await generateUserKeyPair();
    const stranger = await generateUserKeyPair();
    const cek = node.newContentKey();
    const envelope = await node.wrapContentKey(cek, reader);
    expect(await rejects(node.unwrapContentKey(envelope, stranger))).to.be.instanceOf(node.FormatError);
    // An epk from another envelope (a valid point, so ECDH succeeds): the key unwrap fails.
    const other = await node.wrapContentKey(cek, reader);
    const parts = envelope.split(".");
    parts[0] = other.split(".")[0];
    expect(await rejects(node.unwrapContentKey(parts.join("."), reader))).to.be.instanceOf(node.FormatError);
    // The encrypted key of another envelope under this header.
    const swapped = envelope.split(".");
    swapped[1] = other.split(".")[1];
    expect(await rejects(node.unwrapContentKey(swapped.join("."), reader))).to.be.instanceOf(node.FormatError);
    const rsa = await jose.JWK.createKey("oct", 256, {});
    expect(await rejects(node.wrapContentKey(cek, rsa))).to.be.instanceOf(node.FormatError);
    expect(await rejects(node.unwrapContentKey(envelope, rsa))).to.be.instanceOf(node.FormatError);
    expect(await rejects(node.wrapContentKey(Buffer.alloc(16), reader))).to.be.instanceOf(node.FormatError);
    // A reader "key" that is not on the curve is refused before anything is wrapped to it.
    const jwk = reader.toJSON() as Record<string, string>;
    const y = Buffer.from(jwk.y, "base64url");
    y[31] ^= 1;
    expect(await rejects(node.wrapContentKey(cek, { ...jwk, y: y.toString("base64url") }))).to.be.instanceOf(
      node.FormatError,
    );
  });
});
