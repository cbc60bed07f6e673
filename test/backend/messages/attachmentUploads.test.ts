import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { env, setEnv } from "../../../backend/src/env.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { AttachmentUpload } from "../../../backend/src/models/AttachmentUpload.js";
import { CHUNK_SIZE, CIPHERTEXT_CHUNK_SIZE } from "../../../backend/src/services/attachments/chunkedUpload.js";
import { sealMessageWithKey } from "../../../backend/src/services/messages/contentCrypto.js";
import { userPublicKey } from "../../../backend/src/services/keys/userKeys.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { transaction } from "../../../backend/src/db.js";
import { ApiClient as Client } from "../../support/server.js";
import * as web from "../../../addin/src/crypto/index.js";
import { encryptedAttachmentSize } from "../../../backend/src/services/attachments/streamCrypto.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import type { ApiClient } from "../../support/server.js";
import { pseudoRandomBytes, sendDraft } from "../../support/attachments.js";

/** Blob files (temporary ones included) that were not there in `before`. */
function newFiles(before: string[]): string[] {
  return blobFiles().filter((f) => !before.includes(f));
}

function blobFiles(): string[] {
  const config = env().BLOB_STORE;
  const root = config.startsWith("file://") ? fileURLToPath(config) : config.slice("file:".length);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

interface UploadState {
  id: string;
  size: number;
  chunkSize: number;
  chunks: number;
  received: number[];
  error?: string;
}

describe("resumable attachment uploads (chunks) over HTTP", function () {
  this.timeout(60_000);
  let sender: User;
  let recipient: User;
  let senderApi: ApiClient;
  let recipientApi: ApiClient;
  let strangerApi: ApiClient;

  before(async () => {
    sender = await buildUser();
    recipient = await buildUser();
    senderApi = await signIn(sender);
    recipientApi = await signIn(recipient);
    strangerApi = await signIn(await buildUser());
  });

  afterEach(() => {
    setEnv({ ...env(), ATTACHMENT_MAX_BYTES: undefined });
  });

  const newDraft = async () => (await senderApi.post("/api/messages/drafts", {})).body.id as string;
  const putChunk = (api: ApiClient, draftId: string, uploadId: string, n: number, data: Buffer) =>
    api.request<UploadState>(
      "PUT",
      `/api/messages/${draftId}/attachments/uploads/${uploadId}/chunks/${n}`,
      new Uint8Array(data),
      { "Content-Type": "application/octet-stream" },
    );

  it("chunks in any order, resent after a failure, commit to the same stream a single upload makes", async () => {
    const size = 2 * CHUNK_SIZE + 12345;
    const data = pseudoRandomBytes(size, "chunks");
    const chunk = (n: number) => data.subarray(n * CHUNK_SIZE, Math.min(size, (n + 1) * CHUNK_SIZE));
    const draftId = await newDraft();
    const filesBefore = blobFiles();

    const started = await senderApi.post<UploadState>(`/api/messages/${draftId}/attachments/uploads`, {
      name: "Utredning – del 1.pdf",
      type: "application/pdf",
      size,
    });
    expect(started.status, started.text).to.equal(201);
    expect(started.body).to.include({ size, chunkSize: CHUNK_SIZE, chunks: 3 });
    const uploadId = started.body.id;
    expect((await AttachmentUpload.findByPk(uploadId))!.meta).to.not.include("Utredning");

    expect((await putChunk(senderApi, draftId, uploadId, 2, chunk(2))).status).to.equal(200);
    const first = await putChunk(senderApi, draftId, uploadId, 0, chunk(0));
    expect(first.body.received).to.deep.equal([0, 2]);

    const sendEarly = await senderApi.post("/api/messages", {
      draftId,
      to: [{ email: recipient.email }],
      subject: "x",
      body: "y",
    });
    expect(sendEarly.status).to.equal(409);
    expect(sendEarly.body.error).to.equal("attachment_upload_pending");

    const early = await senderApi.post(`/api/messages/${draftId}/attachments/uploads/${uploadId}/commit`, {});
    expect(early.status).to.equal(409);
    expect(early.body.error).to.equal("upload_incomplete");

    const short = await putChunk(senderApi, draftId, uploadId, 1, chunk(1).subarray(0, 1000));
    expect(short.status).to.equal(400);
    expect(short.body.error).to.equal("chunk_size_mismatch");
    expect(
      (await putChunk(senderApi, draftId, uploadId, 1, Buffer.concat([chunk(1), Buffer.from("x")]))).status,
    ).to.equal(400);
    expect((await putChunk(strangerApi, draftId, uploadId, 1, chunk(1))).status).to.equal(404);

    expect((await putChunk(senderApi, draftId, uploadId, 1, chunk(1))).status).to.equal(200);
    // Resend chunk 0 (as after a lost answer): the same bytes are accepted and nothing is rewritten.
    const again = await putChunk(senderApi, draftId, uploadId, 0, chunk(0));
    expect(again.body.received).to.deep.equal([0, 1, 2]);
    expect(newFiles(filesBefore)).to.have.length(3);

    const state = await senderApi.get<UploadState>(`/api/messages/${draftId}/attachments/uploads/${uploadId}`);
    expect(state.body.received).to.deep.equal([0, 1, 2]);

    const committed = await senderApi.post(`/api/messages/${draftId}/attachments/uploads/${uploadId}/commit`, {});
    expect(committed.status, committed.text).to.equal(201);
    expect(committed.body).to.deep.equal({ id: uploadId, size });
    expect(newFiles(filesBefore)).to.have.length(1);
    expect(await AttachmentUpload.findByPk(uploadId)).to.equal(null);
    expect((await Attachment.findByPk(uploadId))!.ciphertextSize).to.equal(encryptedAttachmentSize(size));

    await sendDraft(senderApi, draftId, [recipient]);
    const msg = await recipientApi.get(`/api/messages/${draftId}`);
    expect(msg.body.attachments).to.deep.equal([
      { id: uploadId, name: "Utredning – del 1.pdf", type: "application/pdf", size },
    ]);
    const res = await fetch(`${recipientApi.baseUrl}/api/messages/${draftId}/attachments/${uploadId}`, {
      headers: { Cookie: recipientApi.cookieHeader() },
    });
    expect(res.status).to.equal(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(crypto.createHash("sha256").update(got).digest("hex")).to.equal(
      crypto.createHash("sha256").update(data).digest("hex"),
    );
  });

  it("413 for a declared size over the limit; abandoning removes the chunks; others get 404", async () => {
    setEnv({ ...env(), ATTACHMENT_MAX_BYTES: CHUNK_SIZE });
    const draftId = await newDraft();
    const big = await senderApi.post(`/api/messages/${draftId}/attachments/uploads`, {
      name: "big.iso",
      size: CHUNK_SIZE + 1,
    });
    expect(big.status).to.equal(413);
    expect(big.body.error).to.equal("attachment_too_large");

    const filesBefore = blobFiles();
    const started = await senderApi.post<UploadState>(`/api/messages/${draftId}/attachments/uploads`, {
      name: "small.txt",
      type: "text/plain",
      size: 5000,
    });
    expect(started.status).to.equal(201);
    expect(started.body.chunks).to.equal(1);
    expect((await strangerApi.get(`/api/messages/${draftId}/attachments/uploads/${started.body.id}`)).status).to.equal(
      404,
    );
    expect(
      (await strangerApi.post(`/api/messages/${draftId}/attachments/uploads`, { name: "x", size: 1 })).status,
    ).to.equal(404);
    expect((await putChunk(senderApi, draftId, started.body.id, 0, pseudoRandomBytes(5000, "small"))).status).to.equal(
      200,
    );
    expect((await putChunk(senderApi, draftId, started.body.id, 1, Buffer.alloc(1))).status).to.equal(404);
    expect(newFiles(filesBefore)).to.have.length(1);
    expect((await senderApi.delete(`/api/messages/${draftId}/attachments/uploads/${started.body.id}`)).status).to.equal(
      204,
    );
    expect(newFiles(filesBefore)).to.deep.equal([]);
    expect(await AttachmentUpload.count({ where: { messageId: draftId } })).to.equal(0);
  });

  it("a chunk re-sent with different bytes is refused (no GCM nonce reuse); the same bytes again are accepted", async () => {
    const size = 5000;
    const original = pseudoRandomBytes(size, "original");
    const forged = pseudoRandomBytes(size, "forged");
    const draftId = await newDraft();
    const started = await senderApi.post<UploadState>(`/api/messages/${draftId}/attachments/uploads`, {
      name: "nonce.bin",
      type: "application/octet-stream",
      size,
    });
    const uploadId = started.body.id;
    expect((await putChunk(senderApi, draftId, uploadId, 0, original)).status).to.equal(200);
    const storedKey = () => AttachmentUpload.findByPk(uploadId).then((u) => JSON.stringify(u!.chunkKeys()));
    const firstKey = await storedKey();
    const filesBefore = blobFiles();

    // The attack: the same chunk index with other plaintext would be encrypted under the same
    // key, nonce prefix and record indices as the first (XOR of plaintexts, GHASH key).
    const resent = await putChunk(senderApi, draftId, uploadId, 0, forged);
    expect(resent.status, resent.text).to.equal(409);
    expect(resent.body.error).to.equal("chunk_mismatch");
    expect(newFiles(filesBefore)).to.deep.equal([]);
    expect(await storedKey()).to.equal(firstKey);

    // An idempotent retry (lost answer) is accepted and rewrites nothing.
    const retry = await putChunk(senderApi, draftId, uploadId, 0, original);
    expect(retry.status, retry.text).to.equal(200);
    expect(retry.body.received).to.deep.equal([0]);
    expect(await storedKey()).to.equal(firstKey);
    expect(newFiles(filesBefore)).to.deep.equal([]);

    const committed = await senderApi.post(`/api/messages/${draftId}/attachments/uploads/${uploadId}/commit`, {});
    expect(committed.status, committed.text).to.equal(201);
    await sendDraft(senderApi, draftId, [recipient]);
    const res = await fetch(`${recipientApi.baseUrl}/api/messages/${draftId}/attachments/${uploadId}`, {
      headers: { Cookie: recipientApi.cookieHeader() },
    });
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).to.equal(true);
  });

  it("a chunk of an upload begun before chunk hashes were kept cannot be re-sent (no hash to compare)", async () => {
    const data = pseudoRandomBytes(3000, "legacy");
    const draftId = await newDraft();
    const started = await senderApi.post<UploadState>(`/api/messages/${draftId}/attachments/uploads`, {
      name: "old.bin",
      size: data.length,
    });
    const uploadId = started.body.id;
    expect((await putChunk(senderApi, draftId, uploadId, 0, data)).status).to.equal(200);
    const row = (await AttachmentUpload.findByPk(uploadId))!;
    // The layout before: a bare blob key per received chunk.
    await row.update({ chunks: JSON.stringify(row.chunkKeys()) });
    const resent = await putChunk(senderApi, draftId, uploadId, 0, data);
    expect(resent.status, resent.text).to.equal(409);
    expect(resent.body.error).to.equal("chunk_mismatch");
    const state = await senderApi.get<UploadState>(`/api/messages/${draftId}/attachments/uploads/${uploadId}`);
    expect(state.body.received).to.deep.equal([0]);
    expect((await senderApi.delete(`/api/messages/${draftId}/attachments/uploads/${uploadId}`)).status).to.equal(204);
  });

  describe("pre-encrypted form (the add-in's picked files)", () => {
    /** A bearer token as the add-in holds one after Microsoft sign-in: no key on the server. */
    async function keylessApi(user: User): Promise<Client> {
      const { token } = await transaction((t) => issueApiToken(t, user, "Outlook add-in (test)"));
      const api = await Client.create();
      api.bearer = token;
      return api;
    }

    /** A draft in the pre-encrypted form: the client's own content key and envelope. */
    async function encryptedDraft(api: Client, cek: Buffer): Promise<string> {
      const sealed = await sealMessageWithKey(
        { v: 1, subject: "", bodyText: "", bodyHtml: null, attachments: [], options: {} },
        cek,
        [{ userId: sender.id, publicKey: (await userPublicKey(sender))! }],
      );
      const res = await api.post("/api/messages/drafts", {
        encrypted: { content: sealed.content, envelope: sealed.envelopes[0].jwe },
      });
      expect(res.status, res.text).to.equal(201);
      return res.body.id as string;
    }

    /** What the pane makes of a file: the stream header and each chunk's records (addin/src/crypto). */
    async function paneChunks(cek: Buffer, aid: string, data: Buffer) {
      const sealer = await web.createRecordSealer(new Uint8Array(cek), aid);
      const count = web.uploadChunkCount(data.length);
      const chunks: Buffer[] = [];
      for (let n = 0; n < count; n++) {
        const piece = data.subarray(n * CHUNK_SIZE, Math.min(data.length, (n + 1) * CHUNK_SIZE));
        chunks.push(Buffer.from(await sealer.sealRecords(piece, n * 128, n === count - 1)));
      }
      return { header: web.b64u(sealer.header), headerBytes: Buffer.from(sealer.header), chunks };
    }

    const start = (api: Client, draftId: string, body: Record<string, unknown>) =>
      api.post<UploadState>(`/api/messages/${draftId}/attachments/uploads/encrypted`, body);

    it("a key-less token uploads the client's records in chunks; resent, forged and short chunks; commit; the recipient reads it intact", async () => {
      const tokenApi = await keylessApi(sender);
      const cek = crypto.randomBytes(32);
      const draftId = await encryptedDraft(tokenApi, cek);
      const aid = crypto.randomUUID();
      const size = 2 * CHUNK_SIZE + 12345;
      const data = pseudoRandomBytes(size, "pre-encrypted chunks");
      const { header, headerBytes, chunks } = await paneChunks(cek, aid, data);
      const put = (api: Client, uid: string, n: number, body: Buffer) => putChunk(api, draftId, uid, n, body);
      const filesBefore = blobFiles();

      // The plaintext form needs a key this token does not carry.
      const plain = await tokenApi.post(`/api/messages/${draftId}/attachments/uploads`, { name: "x", size: 1 });
      expect(plain.status).to.equal(403);
      expect(plain.body.error).to.equal("keys_locked");

      const badHeader = Buffer.from(headerBytes);
      badHeader[0] ^= 1;
      for (const h of [badHeader.toString("base64url"), Buffer.alloc(16).toString("base64url")]) {
        const bad = await start(tokenApi, draftId, { attachmentId: aid, size, header: h });
        expect(bad.status, bad.text).to.equal(400);
        expect(bad.body.error).to.equal("invalid_attachment_stream");
      }
      expect((await start(tokenApi, draftId, { attachmentId: aid, size, header: "short" })).status).to.equal(400);
      expect((await start(tokenApi, draftId, { attachmentId: "not-a-uuid", size, header })).status).to.equal(400);
      expect((await start(strangerApi, draftId, { attachmentId: aid, size, header })).status).to.equal(404);
      setEnv({ ...env(), ATTACHMENT_MAX_BYTES: CHUNK_SIZE });
      const tooBig = await start(tokenApi, draftId, { attachmentId: aid, size, header });
      expect(tooBig.status).to.equal(413);
      expect(tooBig.body.error).to.equal("attachment_too_large");
      setEnv({ ...env(), ATTACHMENT_MAX_BYTES: undefined });

      const started = await start(tokenApi, draftId, { attachmentId: aid, size, header });
      expect(started.status, started.text).to.equal(201);
      expect(started.body).to.deep.equal({ id: aid, size, chunkSize: CIPHERTEXT_CHUNK_SIZE, chunks: 3, received: [] });
      expect(chunks.map((c) => c.length)).to.deep.equal([CIPHERTEXT_CHUNK_SIZE, CIPHERTEXT_CHUNK_SIZE, 12345 + 16]);
      const twice = await start(tokenApi, draftId, { attachmentId: aid, size, header });
      expect(twice.status).to.equal(409);
      expect(twice.body.error).to.equal("attachment_exists");
      // Nor may a one-piece upload take the id of an upload in progress.
      const single = await tokenApi.request(
        "PUT",
        `/api/messages/${draftId}/attachments/${aid}/ciphertext`,
        new Uint8Array(Buffer.concat([headerBytes, chunks[2]])),
        { "Content-Type": "application/octet-stream", "X-Plaintext-Size": "12345" },
      );
      expect(single.status).to.equal(409);
      expect(single.body.error).to.equal("attachment_exists");

      expect((await put(tokenApi, aid, 2, chunks[2])).status).to.equal(200);
      // Plaintext-sized chunks are not the records of a pre-encrypted upload.
      const plainSized = await put(tokenApi, aid, 0, data.subarray(0, CHUNK_SIZE));
      expect(plainSized.status).to.equal(400);
      expect(plainSized.body.error).to.equal("chunk_size_mismatch");
      expect((await put(strangerApi, aid, 0, chunks[0])).status).to.equal(404);
      expect((await put(tokenApi, aid, 3, chunks[2])).status).to.equal(404);
      expect((await put(tokenApi, aid, 0, chunks[0])).body.received).to.deep.equal([0, 2]);
      const early = await tokenApi.post(`/api/messages/${draftId}/attachments/uploads/${aid}/commit`, {});
      expect(early.status).to.equal(409);
      expect(early.body.error).to.equal("upload_incomplete");
      expect((await put(tokenApi, aid, 1, chunks[1])).status).to.equal(200);
      // A lost answer: the same records again are accepted; other bytes are refused.
      expect((await put(tokenApi, aid, 1, chunks[1])).body.received).to.deep.equal([0, 1, 2]);
      const forged = Buffer.from(chunks[1]);
      forged[100] ^= 1;
      const mismatch = await put(tokenApi, aid, 1, forged);
      expect(mismatch.status).to.equal(409);
      expect(mismatch.body.error).to.equal("chunk_mismatch");
      expect(newFiles(filesBefore)).to.have.length(3);
      const state = await tokenApi.get<UploadState>(`/api/messages/${draftId}/attachments/uploads/${aid}`);
      expect(state.body.received).to.deep.equal([0, 1, 2]);

      const committed = await tokenApi.post(`/api/messages/${draftId}/attachments/uploads/${aid}/commit`, {});
      expect(committed.status, committed.text).to.equal(201);
      expect(committed.body).to.deep.equal({ id: aid, size });
      expect(newFiles(filesBefore)).to.have.length(1);
      const row = (await Attachment.findByPk(aid))!;
      expect(row.meta).to.equal(null);
      expect(row.ciphertextSize).to.equal(encryptedAttachmentSize(size));
      // The stored stream is exactly the client's: its header, then every chunk's records.
      const stored = fs.readFileSync(newFiles(filesBefore)[0]);
      expect(stored.equals(Buffer.concat([headerBytes, ...chunks]))).to.equal(true);

      // The client sends (its content JWE lists the attachment); the recipient's download decrypts.
      const readers = [sender, recipient];
      const sealed = await sealMessageWithKey(
        {
          v: 1,
          subject: "Stor fil",
          bodyText: "Se bilagan.",
          bodyHtml: null,
          attachments: [{ id: aid, name: "stor.bin", type: "application/octet-stream", size }],
          options: {},
        },
        cek,
        await Promise.all(readers.map(async (u) => ({ userId: u.id, publicKey: (await userPublicKey(u))! }))),
      );
      const sent = await tokenApi.post("/api/messages", {
        draftId,
        to: [{ email: recipient.email }],
        encrypted: sealed,
        options: {},
      });
      expect(sent.status, sent.text).to.equal(201);
      const res = await fetch(`${recipientApi.baseUrl}/api/messages/${draftId}/attachments/${aid}`, {
        headers: { Cookie: recipientApi.cookieHeader() },
      });
      expect(res.status).to.equal(200);
      const got = Buffer.from(await res.arrayBuffer());
      expect(crypto.createHash("sha256").update(got).digest("hex")).to.equal(
        crypto.createHash("sha256").update(data).digest("hex"),
      );
    });

    it("an empty file is one record; abandoning removes the chunks; another's upload id is 404", async () => {
      const tokenApi = await keylessApi(sender);
      const cek = crypto.randomBytes(32);
      const draftId = await encryptedDraft(tokenApi, cek);
      const empty = crypto.randomUUID();
      const e = await paneChunks(cek, empty, Buffer.alloc(0));
      const started = await start(tokenApi, draftId, { attachmentId: empty, size: 0, header: e.header });
      expect(started.body).to.include({ chunks: 1 });
      expect(e.chunks[0].length).to.equal(16);
      expect((await putChunk(tokenApi, draftId, empty, 0, e.chunks[0])).status).to.equal(200);
      expect((await tokenApi.post(`/api/messages/${draftId}/attachments/uploads/${empty}/commit`, {})).status).to.equal(
        201,
      );

      const aid = crypto.randomUUID();
      const data = pseudoRandomBytes(CHUNK_SIZE + 1, "abandon");
      const { header, chunks } = await paneChunks(cek, aid, data);
      expect((await start(tokenApi, draftId, { attachmentId: aid, size: data.length, header })).status).to.equal(201);
      const filesBefore = blobFiles();
      expect((await putChunk(tokenApi, draftId, aid, 0, chunks[0])).status).to.equal(200);
      expect(newFiles(filesBefore)).to.have.length(1);
      expect((await strangerApi.delete(`/api/messages/${draftId}/attachments/uploads/${aid}`)).status).to.equal(404);
      expect((await tokenApi.delete(`/api/messages/${draftId}/attachments/uploads/${aid}`)).status).to.equal(204);
      expect(newFiles(filesBefore)).to.deep.equal([]);
      expect(await AttachmentUpload.findByPk(aid)).to.equal(null);
      expect((await tokenApi.get(`/api/messages/${draftId}/attachments/uploads/${aid}`)).status).to.equal(404);
    });
  });
});
