import crypto from "node:crypto";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { env, setEnv } from "../../../backend/src/env.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { Message } from "../../../backend/src/models/Message.js";
import {
  createAttachmentEncryptor as createEncryptTransform,
  encryptedAttachmentSize as encryptedSize,
  HEADER_SIZE,
  RECORD_SIZE,
  TAG_SIZE,
} from "../../../backend/src/services/attachments/streamCrypto.js";
import { sealMessage } from "../../../backend/src/services/messages/contentCrypto.js";
import { userPublicKey } from "../../../backend/src/services/keys/userKeys.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { transaction } from "../../../backend/src/db.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { ApiClient } from "../../support/server.js";
import {
  authHeaders,
  pseudoRandomBytes,
  pseudoRandomStream,
  sendDraft,
  streamRequest,
} from "../../support/attachments.js";

function blobRoot(): string {
  const config = env().BLOB_STORE;
  return config.startsWith("file://") ? fileURLToPath(config) : config.slice("file:".length);
}

/** Every file under the blob store (temporary files included). */
function blobFiles(): string[] {
  const root = blobRoot();
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** Blob files (temporary ones included) that were not there in `before`. */
function newFiles(before: string[]): string[] {
  return blobFiles().filter((f) => !before.includes(f));
}

async function newDraft(api: ApiClient): Promise<string> {
  const res = await api.post("/api/messages/drafts", {});
  expect(res.status, res.text).to.equal(201);
  return res.body.id as string;
}

async function uploadBytes(api: ApiClient, draftId: string, data: Buffer, name: string, type = "application/pdf") {
  return api.request<{ id: string; name: string; type: string; size: number; error?: string }>(
    "POST",
    `/api/messages/${draftId}/attachments`,
    new Uint8Array(data),
    {
      "Content-Type": type,
      "X-File-Name": encodeURIComponent(name),
    },
  );
}

async function downloadRaw(
  api: ApiClient,
  urlPath: string,
): Promise<{ status: number; headers: Headers; body: Buffer | null; error: Error | null }> {
  const res = await fetch(api.baseUrl + urlPath, {
    headers: { Cookie: api.cookieHeader(), ...(api.bearer ? { Authorization: `Bearer ${api.bearer}` } : {}) },
  });
  const parts: Buffer[] = [];
  let error: Error | null = null;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
  } catch (err) {
    error = err as Error;
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(parts), error };
}

describe("attachments (F6): streamed upload and download over HTTP", function () {
  this.timeout(60_000);
  let sender: User;
  let recipient: User;
  let stranger: User;
  let senderApi: ApiClient;
  let recipientApi: ApiClient;
  let strangerApi: ApiClient;

  before(async () => {
    sender = await buildUser();
    recipient = await buildUser();
    stranger = await buildUser();
    // One after the other: concurrent sign-ins once answered 500 on MySQL (reported to AUTH-CORE).
    senderApi = await signIn(sender);
    recipientApi = await signIn(recipient);
    strangerApi = await signIn(stranger);
  });

  afterEach(() => {
    setEnv({ ...env(), ATTACHMENT_MAX_BYTES: undefined });
  });

  describe("a sent message with a few MB attachment", () => {
    const size = 3 * 1024 * 1024 + 12345;
    const data = pseudoRandomBytes(size, "round-trip");
    const name = 'Beslut om bistånd "2026" – åäö.pdf';
    let draftId: string;
    let attachmentId: string;

    before(async () => {
      draftId = await newDraft(senderApi);
      const up = await uploadBytes(senderApi, draftId, data, name);
      expect(up.status, up.text).to.equal(201);
      expect(up.body).to.include({ name, type: "application/pdf", size });
      attachmentId = up.body.id;
    });

    it("stores only ciphertext: no name on the row, the blob is not the plaintext", async () => {
      const row = await Attachment.findByPk(attachmentId);
      expect(row!.ciphertextSize).to.equal(encryptedSize(size));
      expect(row!.meta).to.be.a("string").and.not.include("Beslut");
      const file = path.join(blobRoot(), row!.blobKey);
      const stored = fs.readFileSync(file);
      expect(stored.length).to.equal(encryptedSize(size));
      expect(stored.includes(data.subarray(1000, 1064))).to.equal(false);
    });

    it("the sender can download from the draft; a stranger gets 404 for the draft", async () => {
      const own = await downloadRaw(senderApi, `/api/messages/${draftId}/attachments/${attachmentId}`);
      expect(own.status).to.equal(200);
      expect(own.body!.equals(data)).to.equal(true);
      const other = await downloadRaw(strangerApi, `/api/messages/${draftId}/attachments/${attachmentId}`);
      expect(other.status).to.equal(404);
      const upload = await uploadBytes(strangerApi, draftId, Buffer.from("x"), "x.txt");
      expect(upload.status).to.equal(404);
    });

    it("after send the recipient downloads byte-identical data with the right headers", async () => {
      await sendDraft(senderApi, draftId, [recipient]);
      const msg = await recipientApi.get(`/api/messages/${draftId}`);
      expect(msg.status).to.equal(200);
      expect(msg.body.attachments).to.deep.equal([{ id: attachmentId, name, type: "application/pdf", size }]);
      const res = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${attachmentId}`);
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/pdf");
      expect(res.headers.get("content-length")).to.equal(String(size));
      expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
      const disposition = res.headers.get("content-disposition")!;
      expect(disposition).to.match(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).to.equal(name);
      expect(crypto.createHash("sha256").update(res.body!).digest("hex")).to.equal(
        crypto.createHash("sha256").update(data).digest("hex"),
      );
    });

    it("readers get the raw ciphertext stream; non-readers get 404 on every attachment path", async () => {
      const raw = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${attachmentId}/ciphertext`);
      expect(raw.status).to.equal(200);
      expect(raw.body!.length).to.equal(encryptedSize(size));
      expect(raw.body!.subarray(0, 4).toString("latin1")).to.equal("KVAS");
      for (const p of [
        `/api/messages/${draftId}/attachments/${attachmentId}`,
        `/api/messages/${draftId}/attachments/${attachmentId}/ciphertext`,
      ]) {
        const res = await downloadRaw(strangerApi, p);
        expect(res.status, p).to.equal(404);
      }
      const wrongId = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${crypto.randomUUID()}`);
      expect(wrongId.status).to.equal(404);
    });

    it("a sent message takes no more attachments (409 not_a_draft) and none can be removed", async () => {
      const up = await uploadBytes(senderApi, draftId, Buffer.from("late"), "late.txt");
      expect(up.status).to.equal(409);
      expect(up.body.error).to.equal("not_a_draft");
      const del = await senderApi.delete(`/api/messages/${draftId}/attachments/${attachmentId}`);
      expect(del.status).to.equal(409);
    });
  });

  it("for-your-eyes-only: 403 eyes_only for the download and the ciphertext", async () => {
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, pseudoRandomBytes(5000, "eyes"), "secret.txt", "text/plain");
    expect(up.status).to.equal(201);
    await sendDraft(senderApi, draftId, [recipient], { eyesOnly: true });
    for (const suffix of ["", "/ciphertext"]) {
      const res = await recipientApi.get(`/api/messages/${draftId}/attachments/${up.body.id}${suffix}`);
      expect(res.status).to.equal(403);
      expect(res.body.error).to.equal("eyes_only");
    }
  });

  it("ID check: recipients get 403 id_check_required until they pass it", async () => {
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, pseudoRandomBytes(3000, "idcheck"), "id.txt", "text/plain");
    await sendDraft(senderApi, draftId, [recipient], { idCheck: true });
    for (const suffix of ["", "/ciphertext"]) {
      const res = await recipientApi.get(`/api/messages/${draftId}/attachments/${up.body.id}${suffix}`);
      expect(res.status).to.equal(403);
      expect(res.body.error).to.equal("id_check_required");
    }
    const own = await downloadRaw(senderApi, `/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(own.status).to.equal(200);
  });

  it("burn after reading: 403 reveal_required until the recipient reveals the message, then the file comes", async () => {
    // A second recipient who has not read yet keeps the message from burning at the first reveal.
    const second = await buildUser();
    const data = pseudoRandomBytes(70_000, "burn");
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, data, "burn.bin", "application/octet-stream");
    await sendDraft(senderApi, draftId, [recipient, second], { burnAfterReading: true });
    const before = await recipientApi.get(`/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(before.status).to.equal(403);
    expect(before.body.error).to.equal("reveal_required");
    const reveal = await recipientApi.post(`/api/messages/${draftId}/reveal`, {});
    expect(reveal.status, reveal.text).to.equal(200);
    const after = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(after.status).to.equal(200);
    expect(after.body!.equals(data)).to.equal(true);
  });

  it("a tampered blob aborts the download at the failing record; a truncated one is refused before any byte", async () => {
    const size = 5 * RECORD_SIZE + 100;
    const data = pseudoRandomBytes(size, "tamper");
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, data, "scan.tif", "image/tiff");
    expect(up.status).to.equal(201);
    await sendDraft(senderApi, draftId, [recipient]);
    const row = await Attachment.findByPk(up.body.id);
    const file = path.join(blobRoot(), row!.blobKey);
    const original = fs.readFileSync(file);

    // Flip one bit in record 3.
    const tampered = Buffer.from(original);
    tampered[HEADER_SIZE + 3 * (RECORD_SIZE + TAG_SIZE) + 10] ^= 1;
    fs.writeFileSync(file, tampered);
    const res = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(res.status).to.equal(200);
    // The response is cut off; whatever arrived is verified plaintext from before the failing record.
    expect(res.error).to.be.instanceOf(Error);
    expect(res.body!.length).to.be.at.most(3 * RECORD_SIZE);
    expect(res.body!.equals(data.subarray(0, res.body!.length))).to.equal(true);

    // Truncated by a whole record: the length no longer matches the size in the content.
    fs.writeFileSync(file, original.subarray(0, original.length - (RECORD_SIZE + TAG_SIZE)));
    const cut = await recipientApi.get(`/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(cut.status).to.equal(500);
    expect(cut.body.error).to.equal("attachment_damaged");
    expect(cut.text).to.not.include("scan.tif");

    fs.writeFileSync(file, original);
    const fixed = await downloadRaw(recipientApi, `/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(fixed.body!.equals(data)).to.equal(true);
  });

  describe("limits (F27): 413 attachment_too_large, nothing left behind", () => {
    it("refuses a Content-Length over the limit before reading the body", async () => {
      setEnv({ ...env(), ATTACHMENT_MAX_BYTES: 1024 * 1024 });
      const draftId = await newDraft(senderApi);
      const before = blobFiles();
      const res = await uploadBytes(senderApi, draftId, pseudoRandomBytes(1024 * 1024 + 1, "big"), "big.bin");
      expect(res.status).to.equal(413);
      expect(res.body.error).to.equal("attachment_too_large");
      expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
      expect(newFiles(before)).to.deep.equal([]);
    });

    it("stops a chunked upload once it passes the limit", async () => {
      setEnv({ ...env(), ATTACHMENT_MAX_BYTES: 1024 * 1024 });
      const draftId = await newDraft(senderApi);
      const before = blobFiles();
      let status: number | null = null;
      let body: Record<string, unknown> | null = null;
      try {
        const res = await streamRequest(
          senderApi,
          "POST",
          `/api/messages/${draftId}/attachments`,
          pseudoRandomStream(4 * 1024 * 1024, "chunked", 64 * 1024),
          {
            "Content-Type": "application/zip",
            "X-File-Name": "big.zip",
          },
        );
        status = res.status;
        body = res.json();
      } catch {
        // The server may close the connection while the client is still sending.
      }
      if (status !== null) {
        expect(status).to.equal(413);
        expect(body!.error).to.equal("attachment_too_large");
      }
      // The server may still be cleaning up after a closed connection: poll with a deadline.
      for (let i = 0; i < 100 && newFiles(before).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
      expect(newFiles(before)).to.deep.equal([]);
    });

    it("a client that goes away mid-upload leaves no blob and no row", async () => {
      const draftId = await newDraft(senderApi);
      const before = blobFiles();
      const req = http.request(`${senderApi.baseUrl}/api/messages/${draftId}/attachments`, {
        method: "POST",
        headers: { ...authHeaders(senderApi), "Content-Type": "application/zip", "X-File-Name": "half.zip" },
      });
      req.on("error", () => {});
      // Half a body has left the client (the write callback) before it goes away.
      await new Promise((r) => req.write(pseudoRandomBytes(2 * 1024 * 1024, "half"), r));
      req.destroy();
      for (let i = 0; i < 50 && newFiles(before).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(newFiles(before)).to.deep.equal([]);
      expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
    });

    it("a pre-encrypted upload declaring more than the limit is refused", async () => {
      setEnv({ ...env(), ATTACHMENT_MAX_BYTES: 1024 * 1024 });
      const draftId = await newDraft(senderApi);
      const res = await senderApi.request(
        "PUT",
        `/api/messages/${draftId}/attachments/${crypto.randomUUID()}/ciphertext`,
        new Uint8Array(64),
        {
          "Content-Type": "application/octet-stream",
          "X-Plaintext-Size": String(2 * 1024 * 1024),
        },
      );
      expect(res.status).to.equal(413);
      expect(res.body.error).to.equal("attachment_too_large");
    });
  });

  describe("content types and the pre-encrypted form", () => {
    it("415 for a form upload and for a pre-encrypted upload that is not application/octet-stream", async () => {
      const draftId = await newDraft(senderApi);
      const form = await senderApi.request("POST", `/api/messages/${draftId}/attachments`, "--x\r\n\r\ndata\r\n--x--", {
        "Content-Type": "multipart/form-data; boundary=x",
        "X-File-Name": "a.txt",
      });
      expect(form.status).to.equal(415);
      expect(form.body.error).to.equal("unsupported_media_type");
      const put = await senderApi.request(
        "PUT",
        `/api/messages/${draftId}/attachments/${crypto.randomUUID()}/ciphertext`,
        "hello",
        {
          "Content-Type": "text/plain",
          "X-Plaintext-Size": "5",
        },
      );
      expect(put.status).to.equal(415);
      const noName = await senderApi.request("POST", `/api/messages/${draftId}/attachments`, "data", {
        "Content-Type": "text/plain",
      });
      expect(noName.status).to.equal(400);
    });

    it("stores a well-formed pre-encrypted stream as is and serves it back to readers", async () => {
      const aid = crypto.randomUUID();
      // What the add-in does: its own content key, content JWE and envelope.
      const sealed = await sealMessage(
        { v: 1, subject: "s", bodyText: "t", bodyHtml: null, attachments: [], options: {} },
        [{ userId: sender.id, publicKey: (await userPublicKey(sender))! }],
      );
      const created = await senderApi.post("/api/messages/drafts", {
        encrypted: { content: sealed.content, envelope: sealed.envelopes[0].jwe },
      });
      expect(created.status, created.text).to.equal(201);
      const messageId = created.body.id as string;
      const plain = pseudoRandomBytes(2 * RECORD_SIZE + 7, "pre");
      const enc = createEncryptTransform(crypto.randomBytes(32), aid);
      const parts: Buffer[] = [];
      enc.on("data", (c: Buffer) => parts.push(c));
      const done = new Promise((r) => enc.on("end", r));
      enc.end(plain);
      await done;
      const cipher = Buffer.concat(parts);
      const res = await senderApi.request<{ id: string; ciphertextSize: number }>(
        "PUT",
        `/api/messages/${messageId}/attachments/${aid}/ciphertext`,
        new Uint8Array(cipher),
        {
          "Content-Type": "application/octet-stream",
          "X-Plaintext-Size": String(plain.length),
        },
      );
      expect(res.status, res.text).to.equal(201);
      expect(res.body.ciphertextSize).to.equal(cipher.length);
      const back = await downloadRaw(senderApi, `/api/messages/${messageId}/attachments/${aid}/ciphertext`);
      expect(back.body!.equals(cipher)).to.equal(true);
      const again = await senderApi.request(
        "PUT",
        `/api/messages/${messageId}/attachments/${aid}/ciphertext`,
        new Uint8Array(cipher),
        {
          "Content-Type": "application/octet-stream",
          "X-Plaintext-Size": String(plain.length),
        },
      );
      expect(again.status).to.equal(409);
    });

    it("400 invalid_attachment_stream for a bad header, a wrong length or a chunked stream that runs long; nothing stored", async () => {
      const draftId = await newDraft(senderApi);
      const before = blobFiles();
      const put = (body: Uint8Array, size: number) =>
        senderApi.request("PUT", `/api/messages/${draftId}/attachments/${crypto.randomUUID()}/ciphertext`, body, {
          "Content-Type": "application/octet-stream",
          "X-Plaintext-Size": String(size),
        });
      const badMagic = crypto.randomBytes(encryptedSize(1000));
      const r1 = await put(new Uint8Array(badMagic), 1000);
      expect(r1.status).to.equal(400);
      expect(r1.body.error).to.equal("invalid_attachment_stream");

      const enc = createEncryptTransform(crypto.randomBytes(32), "x");
      const parts: Buffer[] = [];
      enc.on("data", (c: Buffer) => parts.push(c));
      const done = new Promise((r) => enc.on("end", r));
      enc.end(Buffer.alloc(1000));
      await done;
      const good = Buffer.concat(parts);
      const r2 = await put(new Uint8Array(good), 999);
      expect(r2.status).to.equal(400);
      expect(r2.body.error).to.equal("invalid_attachment_stream");

      let status: number | null = null;
      try {
        const res = await streamRequest(
          senderApi,
          "PUT",
          `/api/messages/${draftId}/attachments/${crypto.randomUUID()}/ciphertext`,
          pseudoRandomStream(good.length, "x"),
          {
            "Content-Type": "application/octet-stream",
            "X-Plaintext-Size": "1000",
          },
        );
        status = res.status;
      } catch {
        // The server may close the connection while the client is still sending.
      }
      if (status !== null) expect(status).to.equal(400);
      expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
      expect(newFiles(before)).to.deep.equal([]);
    });
  });

  it("plaintext uploads need an unlocked key (bearer tokens get 403 keys_locked); Basic accounts cannot start new drafts", async () => {
    const draftId = await newDraft(senderApi);
    const { token } = await transaction((t) => issueApiToken(t, sender, "add-in"));
    const tokenApi = await ApiClient.create();
    tokenApi.bearer = token;
    const res = await uploadBytes(tokenApi, draftId, Buffer.from("hello"), "a.txt", "text/plain");
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("keys_locked");

    await stranger.update({ plan: "basic" });
    const basic = await strangerApi.post("/api/messages/drafts", {});
    expect(basic.status).to.equal(403);
    expect(basic.body.error).to.equal("plan_reply_only");
    await stranger.update({ plan: "professional" });
  });

  it("removing an attachment from a draft deletes its blob", async () => {
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, Buffer.from("temporary"), "t.txt", "text/plain");
    const row = await Attachment.findByPk(up.body.id);
    const file = path.join(blobRoot(), row!.blobKey);
    expect(fs.existsSync(file)).to.equal(true);
    const del = await senderApi.delete(`/api/messages/${draftId}/attachments/${up.body.id}`);
    expect(del.status).to.equal(204);
    expect(fs.existsSync(file)).to.equal(false);
    expect(await Attachment.findByPk(up.body.id)).to.equal(null);
    expect((await Message.findByPk(draftId))!.state).to.equal("draft");
  });

  it("DELETE /api/messages/drafts/{id}: the sender's own unsent draft goes from Drafts with its blobs; others get 404, a sent message 409", async () => {
    const draftIds = async () =>
      (await senderApi.get<{ items: Array<{ id: string }> }>("/api/mailbox/drafts")).body.items.map((i) => i.id);
    const draftId = await newDraft(senderApi);
    const up = await uploadBytes(senderApi, draftId, Buffer.from("abandoned"), "a.txt", "text/plain");
    const file = path.join(blobRoot(), (await Attachment.findByPk(up.body.id))!.blobKey);
    expect(await draftIds()).to.include(draftId);

    expect((await strangerApi.delete(`/api/messages/drafts/${draftId}`)).status, "someone else's").to.equal(404);
    expect(await draftIds()).to.include(draftId);
    const del = await senderApi.delete(`/api/messages/drafts/${draftId}`);
    expect(del.status, del.text).to.equal(204);
    expect(await draftIds()).to.not.include(draftId);
    expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
    const gone = await Message.findByPk(draftId);
    expect(gone!.content, "content shredded").to.equal(null);
    expect((await senderApi.get(`/api/messages/${draftId}`)).status).to.equal(404);
    expect(fs.existsSync(file), "blob overwritten and removed before the answer").to.equal(false);
    expect((await senderApi.delete(`/api/messages/drafts/${draftId}`)).status, "again").to.equal(404);

    const sent = await newDraft(senderApi);
    await sendDraft(senderApi, sent, [recipient]);
    const refused = await senderApi.delete(`/api/messages/drafts/${sent}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error).to.equal("not_a_draft");
    expect((await recipientApi.get(`/api/messages/${sent}`)).status).to.equal(200);
  });
});
