import crypto from "node:crypto";
import { expect } from "chai";
import {
  openBytes,
  openFromText,
  SealError,
  sealBytes,
  sealToText,
} from "../../../../backend/src/services/crypto/aesGcm.js";
import { deriveKey } from "../../../../backend/src/services/crypto/masterKey.js";
import { open, openText, seal } from "../../../../backend/src/services/crypto/seal.js";
import { openForSession, sealForSession } from "../../../../backend/src/services/keys/sessionSeal.js";
import { unwrapWithPassword, wrapWithPassword } from "../../../../backend/src/services/keys/passwordWrap.js";
import { openAttachmentInfo, sealAttachmentInfo } from "../../../../backend/src/services/attachments/meta.js";

const b64u = (b: Buffer) => b.toString("base64url");

/** AES-256-GCM with a plain Node call, as the four formats were written before the helper: iv, ciphertext+tag. */
function legacySeal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; data: Buffer } {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  return { iv, data: Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
}

function flipByte(text: string, part: number, at: "first" | "last"): string {
  const parts = text.split(".");
  const bytes = Buffer.from(parts[part], "base64url");
  bytes[at === "first" ? 0 : bytes.length - 1] ^= 1;
  parts[part] = b64u(bytes);
  return parts.join(".");
}

function expectSealError(fn: () => unknown): void {
  expect(fn).to.throw(SealError);
}

describe("AES-256-GCM sealed values (services/crypto/aesGcm)", () => {
  const key = crypto.randomBytes(32);

  it("round-trips bytes, text and the empty value; the AAD binds the value", () => {
    for (const plain of [Buffer.from("hemligt"), Buffer.alloc(0), crypto.randomBytes(1000)]) {
      const sealed = sealBytes(key, plain, "row-1");
      expect(sealed.iv.length).to.equal(12);
      expect(sealed.data.length).to.equal(plain.length + 16);
      expect(openBytes(key, sealed, "row-1").equals(plain)).to.equal(true);
      expectSealError(() => openBytes(key, sealed, "row-2"));
    }
    expect(openFromText("t1", key, sealToText("t1", key, "å", "x"), "x").toString("utf8")).to.equal("å");
  });

  it("refuses a wrong key, and keys, IVs and data of the wrong length", () => {
    const sealed = sealBytes(key, Buffer.from("x"));
    expectSealError(() => openBytes(crypto.randomBytes(32), sealed));
    for (const n of [0, 16, 31, 33, 64]) {
      expectSealError(() => sealBytes(crypto.randomBytes(n), Buffer.from("x")));
      expectSealError(() => openBytes(crypto.randomBytes(n), sealed));
    }
    for (const n of [0, 8, 11, 13, 16])
      expectSealError(() => openBytes(key, { iv: crypto.randomBytes(n), data: sealed.data }));
    for (const n of [0, 1, 15])
      expectSealError(() => openBytes(key, { iv: sealed.iv, data: sealed.data.subarray(0, n) }));
  });

  it("refuses a flipped bit in the IV, the ciphertext or the tag, and any truncation", () => {
    const text = sealToText("t1", key, Buffer.from("0123456789abcdef"));
    expect(openFromText("t1", key, text).toString()).to.equal("0123456789abcdef");
    for (const bad of [flipByte(text, 1, "first"), flipByte(text, 2, "first"), flipByte(text, 2, "last")]) {
      expectSealError(() => openFromText("t1", key, bad));
    }
    const [version, iv, data] = text.split(".");
    const raw = Buffer.from(data, "base64url");
    for (let n = 0; n < raw.length; n += 5) {
      expectSealError(() => openFromText("t1", key, `${version}.${iv}.${b64u(raw.subarray(0, n))}`));
    }
    expectSealError(() => openFromText("t1", key, `${version}.${iv}.${b64u(raw.subarray(1))}`));
  });

  it("refuses another version, missing or extra parts and non-canonical base64url", () => {
    const text = sealToText("t1", key, Buffer.from("x"));
    const [, iv, data] = text.split(".");
    for (const bad of [
      text.replace(/^t1/, "t2"),
      `t1.${iv}`,
      `t1.${iv}.${data}.`,
      `t1.${iv}.${data}.extra`,
      `t1..${data}`,
      `t1.${iv}=.${data}`,
      `t1.${iv}.${data.replace(/-/g, "+").replace(/_/g, "/")}+`,
      `t1.${iv}.${data} `,
      "",
    ]) {
      expectSealError(() => openFromText("t1", key, bad));
    }
  });
});

describe("the four sealed formats keep their stored layout and refuse bad values", () => {
  it("s1 (MASTER_KEY purpose seal): a value written by a plain AES-GCM call opens; tampering throws", () => {
    const { iv, data } = legacySeal(deriveKey("totp"), Buffer.from("JBSWY3DPEHPK3PXP"), Buffer.from("user-1"));
    const stored = `s1.${b64u(iv)}.${b64u(data)}`;
    expect(openText("totp", stored, "user-1")).to.equal("JBSWY3DPEHPK3PXP");
    expect(openText("totp", seal("totp", "abc", "user-1"), "user-1")).to.equal("abc");
    expectSealError(() => open("totp", stored, "user-2"));
    expectSealError(() => open("outbox", stored, "user-1"));
    expectSealError(() => open("totp", flipByte(stored, 2, "last"), "user-1"));
    expectSealError(() => open("totp", stored.slice(0, -4), "user-1"));
  });

  it("k1 (session-sealed private key): the old layout opens; other sessions, keys and truncations give null", () => {
    const sessionKey = crypto.randomBytes(32);
    const sealKey = Buffer.from(
      crypto.hkdfSync("sha256", sessionKey, deriveKey("session-private-key"), "kuvert:session-pk:v1", 32),
    );
    const { iv, data } = legacySeal(sealKey, Buffer.from("private"), Buffer.from("kuvert:session-pk:v1:sess-1"));
    const stored = `k1.${b64u(iv)}.${b64u(data)}`;
    expect(openForSession("sess-1", sessionKey, stored)?.toString()).to.equal("private");
    expect(
      openForSession("sess-1", sessionKey, sealForSession("sess-1", sessionKey, Buffer.from("p2")))?.toString(),
    ).to.equal("p2");
    expect(openForSession("sess-2", sessionKey, stored)).to.equal(null);
    expect(openForSession("sess-1", crypto.randomBytes(32), stored)).to.equal(null);
    expect(openForSession("sess-1", sessionKey, flipByte(stored, 1, "first"))).to.equal(null);
    expect(openForSession("sess-1", sessionKey, `k1.${b64u(iv)}.${b64u(data.subarray(0, 15))}`)).to.equal(null);
    expect(openForSession("sess-1", sessionKey, `k1.${b64u(iv.subarray(0, 11))}.${b64u(data)}`)).to.equal(null);
  });

  it("m1 (draft attachment metadata): the old layout opens; another message, attachment or tampering gives null", () => {
    const cek = crypto.randomBytes(32);
    const metaKey = Buffer.from(
      crypto.hkdfSync("sha256", cek, Buffer.alloc(0), Buffer.from("kuvert:attachment-meta:v1:f-1"), 32),
    );
    const plain = Buffer.from(JSON.stringify({ name: "intyg.pdf", type: "application/pdf", size: 70000 }));
    const { iv, data } = legacySeal(metaKey, plain, Buffer.from("msg-1"));
    const stored = `m1.${b64u(iv)}.${b64u(data)}`;
    const expected = { id: "f-1", name: "intyg.pdf", type: "application/pdf", size: 70000 };
    expect(openAttachmentInfo(cek, "msg-1", "f-1", stored)).to.deep.equal(expected);
    expect(openAttachmentInfo(cek, "msg-1", "f-1", sealAttachmentInfo(cek, "msg-1", expected))).to.deep.equal(expected);
    expect(openAttachmentInfo(cek, "msg-2", "f-1", stored)).to.equal(null);
    expect(openAttachmentInfo(cek, "msg-1", "f-2", stored)).to.equal(null);
    expect(openAttachmentInfo(crypto.randomBytes(32), "msg-1", "f-1", stored)).to.equal(null);
    expect(openAttachmentInfo(cek, "msg-1", "f-1", flipByte(stored, 2, "first"))).to.equal(null);
    expect(openAttachmentInfo(cek, "msg-1", "f-1", stored.replace(/^m1/, "s1"))).to.equal(null);
  });

  it("password-wrapped key (JSON): the old layout opens; a wrong password, user or truncated ct gives null", async () => {
    const salt = crypto.randomBytes(16);
    const params = { N: 1024, r: 8, p: 1 };
    const wrappingKey = crypto.scryptSync("lösenord".normalize("NFKC"), salt, 32, params);
    const { iv, data } = legacySeal(wrappingKey, Buffer.from("private"), Buffer.from("kuvert:pk-password:v1:user-1"));
    const wrapped = { v: 1, kdf: "scrypt", ...params, salt: b64u(salt), iv: b64u(iv), ct: b64u(data) };
    const stored = JSON.stringify(wrapped);
    expect((await unwrapWithPassword("user-1", "lösenord", stored))?.toString()).to.equal("private");
    expect(await unwrapWithPassword("user-1", "fel", stored)).to.equal(null);
    expect(await unwrapWithPassword("user-2", "lösenord", stored)).to.equal(null);
    const short = JSON.stringify({ ...wrapped, ct: b64u(data.subarray(0, 15)) });
    expect(await unwrapWithPassword("user-1", "lösenord", short)).to.equal(null);
    const shortIv = JSON.stringify({ ...wrapped, iv: b64u(iv.subarray(0, 8)) });
    expect(await unwrapWithPassword("user-1", "lösenord", shortIv)).to.equal(null);
    const fresh = await wrapWithPassword("user-1", "lösenord", Buffer.from("p2"));
    expect((await unwrapWithPassword("user-1", "lösenord", fresh))?.toString()).to.equal("p2");
  });
});
