import crypto from "node:crypto";
import { Transform } from "node:stream";
import { expect } from "chai";
import type { User } from "../../backend/src/models/User.js";
import { Attachment } from "../../backend/src/models/Attachment.js";
import { buildUser } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import type { ApiClient } from "../support/server.js";
import { startS3, useBlobStores, type TestS3 } from "../support/s3.js";
import {
  authHeaders,
  pseudoRandomBytes,
  pseudoRandomStream,
  sendDraft,
  streamRequest,
} from "../support/attachments.js";

const MB = 1024 * 1024;
const SIZE = 500 * MB;
const RSS_BUDGET = 64 * MB;

/** Samples this process's RSS (server and client both run here) and keeps the peak. */
function rssSampler(intervalMs = 25) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    stop: () => clearInterval(timer),
  };
}

function hashing(hash: crypto.Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
}

async function download(
  api: ApiClient,
  path: string,
): Promise<{ status: number; length: string | null; bytes: number; sha256: string }> {
  const res = await fetch(api.baseUrl + path, { headers: authHeaders(api) });
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    hash.update(value);
  }
  return { status: res.status, length: res.headers.get("content-length"), bytes, sha256: hash.digest("hex") };
}

describe("slow: a 500 MB attachment through the real server, stored on S3 (s3rver on loopback)", function () {
  this.timeout(420_000);
  let s3: TestS3;
  let restore: () => void;
  let sender: User;
  let recipient: User;
  let senderApi: ApiClient;
  let recipientApi: ApiClient;

  before(async () => {
    // s3rver runs in its own process: the budget is Kuvert's (server and client, as on the
    // filesystem, where the storage is the kernel's and its page cache is not counted either).
    s3 = await startS3(["kuvert-se"], { inChildProcess: true });
    restore = useBlobStores({ se: s3.config("kuvert-se") });
    sender = await buildUser();
    recipient = await buildUser();
    senderApi = await signIn(sender);
    recipientApi = await signIn(recipient);
    // Warm up every code path once (a small attachment), so the baseline includes loaded code.
    const draft = await senderApi.post("/api/messages/drafts", {});
    const up = await senderApi.request(
      "POST",
      `/api/messages/${draft.body.id}/attachments`,
      new Uint8Array(pseudoRandomBytes(3 * MB, "warm")),
      {
        "Content-Type": "application/octet-stream",
        "X-File-Name": "warm.bin",
      },
    );
    expect(up.status, up.text).to.equal(201);
    await download(senderApi, `/api/messages/${draft.body.id}/attachments/${up.body.id}`);
  });

  after(async () => {
    restore();
    await s3.stop();
  });

  it("goes up encrypted as a multipart upload and comes back byte-identical (SHA-256) with RSS growth ≤ 64 MB", async () => {
    const draft = await senderApi.post("/api/messages/drafts", {});
    expect(draft.status).to.equal(201);
    const draftId = draft.body.id as string;

    const baseline = process.memoryUsage.rss();
    const sampler = rssSampler();
    const started = Date.now();
    try {
      const sent = crypto.createHash("sha256");
      const source = pseudoRandomStream(SIZE, "kuvert-500mb", 256 * 1024).pipe(hashing(sent));
      const res = await streamRequest(senderApi, "POST", `/api/messages/${draftId}/attachments`, source, {
        "Content-Type": "application/pdf",
        "X-File-Name": encodeURIComponent("Akt 2026-0042 (skannad).pdf"),
      });
      const body = res.json<{ id: string; size: number }>();
      expect(res.status, JSON.stringify(body)).to.equal(201);
      expect(body.size).to.equal(SIZE);
      const uploadSeconds = (Date.now() - started) / 1000;

      await sendDraft(senderApi, draftId, [recipient]);
      const t1 = Date.now();
      const got = await download(recipientApi, `/api/messages/${draftId}/attachments/${body.id}`);
      const downloadSeconds = (Date.now() - t1) / 1000;
      expect(got.status).to.equal(200);
      expect(got.length).to.equal(String(SIZE));
      expect(got.bytes).to.equal(SIZE);
      expect(got.sha256).to.equal(sent.digest("hex"));
      // The ciphertext sits in the bucket, not on the local filesystem.
      const row = (await Attachment.findByPk(body.id))!;
      expect(await s3.keys("kuvert-se")).to.include(row.blobKey);
      expect(row.ciphertextSize).to.be.greaterThan(SIZE);

      const growth = sampler.peak() - baseline;
      console.log(
        `      500 MB on S3: upload ${uploadSeconds.toFixed(1)} s, download ${downloadSeconds.toFixed(1)} s, peak RSS growth ${(growth / MB).toFixed(1)} MB (baseline ${(baseline / MB).toFixed(0)} MB)`,
      );
      expect(growth).to.be.at.most(RSS_BUDGET);
    } finally {
      sampler.stop();
    }
  });
});
