import crypto from "node:crypto";
import { expect } from "chai";
import jose from "node-jose";
import * as web from "../../../addin/src/crypto/index.js";
import * as node from "../../../backend/src/services/messageFormat/index.js";
import { generateUserKeyPair } from "../../../backend/src/services/keys/userKeys.js";
import { nodeDecrypt, nodeEncrypt, rejects, webDecrypt, webEncrypt } from "./helpers.js";

const content: node.MessageContent = {
  v: 1,
  subject: "Läkarintyg",
  bodyText: "Se bifogad fil.",
  bodyHtml: null,
  attachments: [{ id: "f-1", name: "intyg.pdf", type: "application/pdf", size: 70000 }],
  options: {},
};

async function readerPair(): Promise<{ key: jose.JWK.Key; publicJwk: web.PublicJwk; privateJwk: web.PrivateJwk }> {
  const key = await generateUserKeyPair();
  return { key, publicJwk: key.toJSON(false) as web.PublicJwk, privateJwk: key.toJSON(true) as web.PrivateJwk };
}

describe("format v1: browser and node implementations interoperate", () => {
  it("a browser-made message (content, envelopes, attachment) opens with the node code", async () => {
    const alice = await readerPair();
    const bob = await readerPair();
    const cek = web.generateContentKey();
    const jwe = await web.encryptContent(content as web.MessageContent, cek);
    const envelopes = [await web.wrapContentKey(cek, alice.publicJwk), await web.wrapContentKey(cek, bob.publicJwk)];
    const file = crypto.randomBytes(70000);
    const blob = await webEncrypt(cek, "f-1", file);

    for (const [i, reader] of [alice, bob].entries()) {
      const opened = await node.unwrapContentKey(envelopes[i], reader.key);
      expect(node.inspectEnvelope(envelopes[i]).kid).to.equal(reader.key.kid);
      expect(await node.decryptContent(jwe, opened)).to.deep.equal(content);
      expect((await nodeDecrypt(opened, "f-1", blob)).equals(file)).to.equal(true);
    }
    expect(node.inspectContent(jwe).ciphertextBytes).to.be.greaterThan(0);
    expect(node.plaintextAttachmentSize(blob.length)).to.equal(70000);
  });

  it("a server-made message opens with the browser code", async () => {
    const reader = await readerPair();
    const cek = node.newContentKey();
    const jwe = await node.encryptContent(content, cek);
    const envelope = await node.wrapContentKey(cek, reader.key);
    const file = crypto.randomBytes(200_000);
    const blob = await nodeEncrypt(cek, "f-1", file);

    const opened = await web.unwrapContentKey(envelope, reader.privateJwk);
    expect(await web.decryptContent(jwe, opened)).to.deep.equal(content);
    expect((await webDecrypt(opened, "f-1", blob)).equals(file)).to.equal(true);
  });

  it("encryptBlob streams a Blob", async () => {
    const cek = web.generateContentKey();
    const file = crypto.randomBytes(150_000);
    const ct = Buffer.from(await web.collect(web.encryptBlob(new Blob([file]), cek, "blob1")));
    expect(ct.length).to.equal(web.encryptedSize(file.length));
    expect((await nodeDecrypt(cek, "blob1", ct)).equals(file)).to.equal(true);
  });

  it("a wrong reader's key cannot open the envelope, in either implementation", async () => {
    const reader = await readerPair();
    const stranger = await readerPair();
    const cek = node.newContentKey();
    const fromNode = await node.wrapContentKey(cek, reader.key);
    const fromWeb = await web.wrapContentKey(cek, reader.publicJwk);
    for (const envelope of [fromNode, fromWeb]) {
      const e1 = await rejects(node.unwrapContentKey(envelope, stranger.key));
      expect(e1).to.be.instanceOf(node.FormatError);
      await rejects(web.unwrapContentKey(envelope, stranger.privateJwk));
      // The right key still works.
      expect((await node.unwrapContentKey(envelope, reader.key)).equals(cek)).to.equal(true);
    }
  });

  it("a wrong content key cannot open the content", async () => {
    const jwe = await node.encryptContent(content, node.newContentKey());
    await rejects(node.decryptContent(jwe, node.newContentKey()));
    await rejects(web.decryptContent(jwe, web.generateContentKey()));
  });

  it("tampered JWEs are rejected: ciphertext, tag, header (alg swap, version, extra members)", async () => {
    const reader = await readerPair();
    const cek = node.newContentKey();
    const jwe = await node.encryptContent(content, cek);
    const envelope = await node.wrapContentKey(cek, reader.key);
    const flip = (s: string, part: number) => {
      const parts = s.split(".");
      const b = Buffer.from(parts[part], "base64url");
      b[Math.floor(b.length / 2)] ^= 1;
      parts[part] = b.toString("base64url");
      return parts.join(".");
    };
    const withHeader = (s: string, edit: (h: Record<string, unknown>) => void) => {
      const parts = s.split(".");
      const h = JSON.parse(Buffer.from(parts[0], "base64url").toString()) as Record<string, unknown>;
      edit(h);
      parts[0] = Buffer.from(JSON.stringify(h)).toString("base64url");
      return parts.join(".");
    };
    for (const bad of [
      flip(jwe, 3),
      flip(jwe, 4),
      flip(jwe, 2),
      withHeader(jwe, (h) => (h.kuvert = 2)),
      withHeader(jwe, (h) => (h.zip = "DEF")),
      withHeader(jwe, (h) => (h.enc = "A128GCM")),
      withHeader(jwe, (h) => (h.x = 1)),
    ]) {
      await rejects(node.decryptContent(bad, cek));
      await rejects(web.decryptContent(bad, cek));
    }
    for (const bad of [
      flip(envelope, 1),
      flip(envelope, 3),
      flip(envelope, 4),
      withHeader(envelope, (h) => (h.alg = "dir")),
      withHeader(envelope, (h) => (h.alg = "ECDH-ES")),
    ]) {
      await rejects(node.unwrapContentKey(bad, reader.key));
      await rejects(web.unwrapContentKey(bad, reader.privateJwk));
    }
    // An epk that is not on the curve is refused, not used.
    const offCurve = withHeader(envelope, (h) => {
      const epk = h.epk as Record<string, string>;
      const y = Buffer.from(epk.y, "base64url");
      y[31] ^= 1;
      epk.y = y.toString("base64url");
    });
    await rejects(node.unwrapContentKey(offCurve, reader.key));
    await rejects(web.unwrapContentKey(offCurve, reader.privateJwk));
    expect(() => node.inspectEnvelope("a.b.c")).to.throw(node.FormatError);
    expect(() => node.inspectContent(envelope)).to.throw(node.FormatError);
    expect(() => node.inspectEnvelope(jwe)).to.throw(node.FormatError);
  });
});
