import crypto from "node:crypto";
import { Transform } from "node:stream";
import { expect } from "chai";
import type { User } from "../../backend/src/models/User.js";
import { buildUser } from "./factories.js";
import { signIn } from "./auth.js";
import type { ApiClient } from "./server.js";
import { authHeaders, pseudoRandomBytes, pseudoRandomStream, sendDraft, streamRequest } from "./attachments.js";

const MB = 1024 * 1024;
const SIZE = 500 * MB;

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

export interface LargeAttachmentStore {
  /** Printed beside the timings, e.g. "on S3". */
  label: string;
  /** Sets the store up before the warm-up; returns its teardown. */
  setUp?: () => Promise<() => Promise<void>>;
  /** Checks where the ciphertext of the uploaded attachment sits. */
  checkStored?: (attachmentId: string) => Promise<void>;
  /** Peak RSS growth allowed, in MB (default 64). */
  rssBudgetMb?: number;
}

/**
 * The slow 500 MB round trip through the real server, on one blob store: up encrypted, down
 * byte-identical (SHA-256), with this process's RSS growth (server and client) within the store's budget.
 */
export function describeLargeAttachmentRoundTrip(title: string, timeoutMs: number, store: LargeAttachmentStore): void {
  describe(title, function () {
    this.timeout(timeoutMs);
    let recipient: User;
    let senderApi: ApiClient;
    let recipientApi: ApiClient;
    let tearDown: (() => Promise<void>) | undefined;

    before(async () => {
      tearDown = await store.setUp?.();
      recipient = await buildUser();
      senderApi = await signIn(await buildUser());
      recipientApi = await signIn(recipient);
      // Warm up every code path once (a small attachment), so the baseline includes loaded code.
      const draft = await senderApi.post("/api/messages/drafts", {});
      const up = await senderApi.request(
        "POST",
        `/api/messages/${draft.body.id}/attachments`,
        new Uint8Array(pseudoRandomBytes(3 * MB, "warm")),
        { "Content-Type": "application/octet-stream", "X-File-Name": "warm.bin" },
      );
      expect(up.status, up.text).to.equal(201);
      await download(senderApi, `/api/messages/${draft.body.id}/attachments/${up.body.id}`);
    });

    after(async () => {
      await tearDown?.();
    });

    const budget = (store.rssBudgetMb ?? 64) * MB;
    it(`goes up encrypted and comes back byte-identical (SHA-256) with RSS growth ≤ ${budget / MB} MB`, async () => {
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
        await store.checkStored?.(body.id);

        const growth = sampler.peak() - baseline;
        console.log(
          `      500 MB ${store.label}: upload ${uploadSeconds.toFixed(1)} s, download ${downloadSeconds.toFixed(1)} s, peak RSS growth ${(growth / MB).toFixed(1)} MB (baseline ${(baseline / MB).toFixed(0)} MB)`,
        );
        expect(growth).to.be.at.most(budget);
      } finally {
        sampler.stop();
      }
    });
  });
}

export { SIZE as LARGE_ATTACHMENT_SIZE };
