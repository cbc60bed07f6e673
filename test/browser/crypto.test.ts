// The WebCrypto implementation (addin/src/crypto) in real Chromium: it reproduces the format v1
// vectors, and its output opens with the server's node-jose/Node code and the reverse.
import crypto from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { build } from "esbuild";
import jose from "node-jose";
import type { Page } from "playwright-core";
import * as node from "../../backend/src/services/messageFormat/index.js";
import { generateUserKeyPair } from "../../backend/src/services/keys/userKeys.js";
import { chromiumPath, getBrowser } from "../support/browser.js";

type Crypto = typeof import("../../addin/src/crypto/index.js");
declare global {
  interface Window {
    KuvertCrypto: Crypto;
  }
}

const vectors = JSON.parse(fs.readFileSync(new URL("../vectors/format-v1.json", import.meta.url), "utf8")) as {
  content: { cekHex: string; ivHex: string; plaintext: node.MessageContent; jwe: string };
  envelope: {
    cekHex: string;
    readerPrivateJwk: Record<string, string>;
    ephemeralPrivateJwk: Record<string, string>;
    jweKeyHex: string;
    ivHex: string;
    jwe: string;
  };
  attachment: {
    cekHex: string;
    attachmentId: string;
    noncePrefixHex: string;
    streams: { plaintextLength: number; ciphertextSha256: string }[];
  };
};

describe("format v1 in Chromium (WebCrypto)", function () {
  this.timeout(60_000);
  let page: Page;

  before(async function () {
    if (!fs.existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}`);
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL("../../addin/src/crypto/index.ts", import.meta.url))],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "KuvertCrypto",
      platform: "browser",
      target: "es2022",
    });
    const script = bundle.outputFiles[0].text;
    const context = await (await getBrowser()).newContext();
    page = await context.newPage();
    // localhost is a secure context, so crypto.subtle exists; nothing goes to the network.
    await page.route("http://localhost:9/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><meta charset="utf-8"><script>${script}</script>`,
      }),
    );
    await page.goto("http://localhost:9/");
    expect(await page.evaluate(() => typeof window.KuvertCrypto.wrapContentKey)).to.equal("function");
  });

  after(async () => {
    await page?.context().close();
  });

  it("reproduces the content, envelope and stream vectors", async () => {
    const out = await page.evaluate(async (v) => {
      const k = window.KuvertCrypto;
      const content = await k.encryptContent(
        v.content.plaintext as Parameters<Crypto["encryptContent"]>[0],
        k.fromHex(v.content.cekHex),
        { iv: k.fromHex(v.content.ivHex) },
      );
      const { d: _d, ...pub } = v.envelope.readerPrivateJwk;
      const envelope = await k.wrapContentKey(
        k.fromHex(v.envelope.cekHex),
        pub as unknown as Parameters<Crypto["wrapContentKey"]>[1],
        {
          ephemeral: v.envelope.ephemeralPrivateJwk as unknown as NonNullable<
            Parameters<Crypto["wrapContentKey"]>[2]
          >["ephemeral"],
          jweKey: k.fromHex(v.envelope.jweKeyHex),
          iv: k.fromHex(v.envelope.ivHex),
        },
      );
      const opened = k.toHex(
        await k.unwrapContentKey(
          v.envelope.jwe,
          v.envelope.readerPrivateJwk as unknown as Parameters<Crypto["unwrapContentKey"]>[1],
        ),
      );
      const hashes: string[] = [];
      for (const s of v.attachment.streams) {
        const plain = new Uint8Array(s.plaintextLength).map((_, i) => i % 251);
        const ct = await k.collect(
          k.encryptBlob(new Blob([plain]), k.fromHex(v.attachment.cekHex), v.attachment.attachmentId, {
            noncePrefix: k.fromHex(v.attachment.noncePrefixHex),
          }),
        );
        hashes.push(k.toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", ct))));
      }
      return { content, envelope, opened, hashes };
    }, vectors);
    expect(out.content).to.equal(vectors.content.jwe);
    // jose writes the epk members in another order than node-jose, so the protected header (the
    // GCM AAD) and the tag differ; the header members, encrypted key, IV and ciphertext are the vector's.
    const [header, ...rest] = out.envelope.split(".");
    const [vectorHeader, ...vectorRest] = vectors.envelope.jwe.split(".");
    const decode = (h: string) => JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as unknown;
    expect(decode(header)).to.deep.equal(decode(vectorHeader));
    expect(rest.slice(0, 3)).to.deep.equal(vectorRest.slice(0, 3));
    const reader = await jose.JWK.asKey(vectors.envelope.readerPrivateJwk);
    expect((await node.unwrapContentKey(out.envelope, reader)).toString("hex")).to.equal(vectors.envelope.cekHex);
    expect(out.opened).to.equal(vectors.envelope.cekHex);
    expect(out.hashes).to.deep.equal(vectors.attachment.streams.map((s) => s.ciphertextSha256));
  });

  it("a message made in Chromium opens with the server code", async () => {
    const reader = await generateUserKeyPair();
    const made = await page.evaluate(
      async (publicJwk) => {
        const k = window.KuvertCrypto;
        const cek = k.generateContentKey();
        const plain = new Uint8Array(150_000).map((_, i) => (i * 7) % 256);
        const content = await k.encryptContent(
          {
            v: 1,
            subject: "Från Chromium",
            bodyText: "Hej",
            bodyHtml: null,
            attachments: [{ id: "x1", name: "a.bin", type: "application/octet-stream", size: plain.length }],
            options: {},
          },
          cek,
        );
        const envelope = await k.wrapContentKey(cek, publicJwk as unknown as Parameters<Crypto["wrapContentKey"]>[1]);
        const stream = await k.collect(k.encryptBlob(new Blob([plain]), cek, "x1"));
        return { content, envelope, streamHex: k.toHex(stream) };
      },
      reader.toJSON(false) as Record<string, string>,
    );
    const cek = await node.unwrapContentKey(made.envelope, reader);
    const content = await node.decryptContent(made.content, cek);
    expect(content.subject).to.equal("Från Chromium");
    const stream = Buffer.from(made.streamHex, "hex");
    const decipher = node.createAttachmentDecryptor(cek, "x1");
    const parts: Buffer[] = [];
    decipher.on("data", (c: Buffer) => parts.push(c));
    const done = new Promise((resolve, reject) => decipher.on("end", resolve).on("error", reject));
    decipher.end(stream);
    await done;
    const expected = Buffer.alloc(150_000);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) % 256;
    expect(Buffer.concat(parts).equals(expected)).to.equal(true);
  });

  it("a server-made message opens in Chromium; a wrong key and a truncated stream do not", async () => {
    const reader = await generateUserKeyPair();
    const stranger = await generateUserKeyPair();
    const cek = node.newContentKey();
    const content = await node.encryptContent(
      { v: 1, subject: "Från servern", bodyText: "Hej", bodyHtml: "<p>Hej</p>", attachments: [], options: {} },
      cek,
    );
    const envelope = await node.wrapContentKey(cek, reader);
    const file = crypto.randomBytes(70_000);
    const enc = node.createAttachmentEncryptor(cek, "s1");
    const parts: Buffer[] = [];
    enc.on("data", (c: Buffer) => parts.push(c));
    const done = new Promise((resolve) => enc.on("end", resolve));
    enc.end(file);
    await done;
    const stream = Buffer.concat(parts);
    const out = await page.evaluate(
      async ({ content, envelope, privateJwk, strangerJwk, streamHex }) => {
        const k = window.KuvertCrypto;
        type Priv = Parameters<Crypto["unwrapContentKey"]>[1];
        const cek = await k.unwrapContentKey(envelope, privateJwk as unknown as Priv);
        const message = await k.decryptContent(content, cek);
        const whole = k.fromHex(streamHex);
        const plain = await k.collect(new Blob([whole]).stream().pipeThrough(k.createDecryptStream(cek, "s1")));
        // (No named inner functions here: the test transpiler would wrap them in a helper the page lacks.)
        return {
          subject: message.subject,
          plainHex: k.toHex(plain),
          stranger: await k.unwrapContentKey(envelope, strangerJwk as unknown as Priv).then(
            () => "opened",
            (e: Error) => e.message,
          ),
          truncated: await k
            .collect(new Blob([whole.subarray(0, 16 + 65552)]).stream().pipeThrough(k.createDecryptStream(cek, "s1")))
            .then(
              () => "opened",
              (e: Error) => e.message,
            ),
        };
      },
      {
        content,
        envelope,
        privateJwk: reader.toJSON(true) as Record<string, string>,
        strangerJwk: stranger.toJSON(true) as Record<string, string>,
        streamHex: stream.toString("hex"),
      },
    );
    expect(out.subject).to.equal("Från servern");
    expect(out.plainHex).to.equal(file.toString("hex"));
    expect(out.stranger).to.match(/JWE: key unwrap failed|JWE: decryption failed/);
    expect(out.truncated).to.match(/^attachment stream: /);
  });
});
