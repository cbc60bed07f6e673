import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { env, setEnv } from "../../../backend/src/env.js";
import { Attachment } from "../../../backend/src/models/Attachment.js";
import { AttachmentUpload } from "../../../backend/src/models/AttachmentUpload.js";
import { CHUNK_SIZE } from "../../../backend/src/services/attachments/chunkedUpload.js";
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
});
