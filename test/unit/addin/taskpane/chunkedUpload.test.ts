// The pane's chunked uploader (addin/src/taskpane/chunkedUpload.ts) against a fake server in
// Node (no XMLHttpRequest: uploads go through the API client's fetch): retries are bounded,
// resume from the server's state, and every failure or cancel abandons the upload.
import crypto from "node:crypto";
import { expect } from "chai";
import { CHUNK_ATTEMPTS, uploadInChunks } from "../../../../addin/src/taskpane/chunkedUpload.js";
import type { KuvertApi } from "../../../../addin/src/taskpane/api.js";
import { createDecryptStream, collect, UPLOAD_CHUNK_SIZE } from "../../../../addin/src/crypto/index.js";

interface Call {
  method: string;
  path: string;
}

/** A server that keeps chunks; `fail(n, attempt)` decides an answer for a chunk PUT instead. */
function fakeServer(fail: (n: number, attempt: number) => "drop" | "lost-answer" | number | null) {
  const calls: Call[] = [];
  const chunks = new Map<number, Buffer>();
  const attempts = new Map<number, number>();
  let header = Buffer.alloc(0);
  let chunkCount = 0;
  let deleted = false;
  let committed = false;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const state = () => ({ id: "u", size: 0, chunkSize: 0, chunks: chunkCount, received: [...chunks.keys()].sort() });
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    const method = init.method ?? "GET";
    calls.push({ method, path });
    if (method === "POST" && path.endsWith("/uploads/encrypted")) {
      const body = JSON.parse(String(init.body)) as { size: number; header: string };
      header = Buffer.from(body.header, "base64url");
      chunkCount = Math.max(1, Math.ceil(body.size / UPLOAD_CHUNK_SIZE));
      return json(201, state());
    }
    const put = /\/chunks\/(\d+)$/.exec(path);
    if (method === "PUT" && put) {
      const n = Number(put[1]);
      const attempt = (attempts.get(n) ?? 0) + 1;
      attempts.set(n, attempt);
      const outcome = fail(n, attempt);
      if (outcome === "drop") throw new TypeError("fetch failed");
      const bytes = Buffer.from(init.body as Uint8Array);
      const earlier = chunks.get(n);
      if (earlier && !earlier.equals(bytes)) return json(409, { error: "chunk_mismatch" });
      if (typeof outcome === "number") return json(outcome, { error: "internal_error" });
      chunks.set(n, bytes);
      if (outcome === "lost-answer") throw new TypeError("fetch failed"); // stored, answer lost
      return json(200, state());
    }
    if (method === "GET") return json(200, state());
    if (method === "POST" && path.endsWith("/commit")) {
      committed = true;
      return json(201, { id: "u", size: 0 });
    }
    if (method === "DELETE") {
      deleted = true;
      chunks.clear();
      return new Response(null, { status: 204 });
    }
    return json(404, { error: "not_found" });
  }) as typeof fetch;
  const api: KuvertApi = { base: "http://kuvert.test", token: "t", fetch: fetchImpl };
  return {
    api,
    calls,
    attempts,
    get deleted() {
      return deleted;
    },
    get committed() {
      return committed;
    },
    stream: () => Buffer.concat([header, ...[...chunks.keys()].sort((a, b) => a - b).map((n) => chunks.get(n)!)]),
  };
}

const noWait = () => Promise.resolve();

describe("the pane's chunked upload (retries, resume, cancel)", function () {
  this.timeout(60_000);
  const cek = crypto.randomBytes(32);
  const id = crypto.randomUUID();
  const data = crypto.randomBytes(2 * UPLOAD_CHUNK_SIZE + 70_000);
  const file = new Blob([data]);

  it("a dropped chunk and a lost answer: sent again after asking the server; the stream decrypts to the file", async () => {
    const server = fakeServer((n, attempt) => (attempt > 1 ? null : n === 0 ? "drop" : n === 1 ? "lost-answer" : null));
    const progress: number[] = [];
    await uploadInChunks(server.api, {
      draftId: "d",
      id,
      file,
      cek,
      delay: noWait,
      onProgress: (s) => progress.push(s),
    });
    expect(server.committed).to.equal(true);
    expect(server.deleted).to.equal(false);
    expect(server.attempts.get(0)).to.equal(2);
    // The lost answer: the server had chunk 1, so it was not sent again.
    expect(server.attempts.get(1)).to.equal(1);
    expect(server.calls.filter((c) => c.method === "GET")).to.have.length(2);
    const plain = await collect(
      new Blob([server.stream()]).stream().pipeThrough(createDecryptStream(cek, id)) as ReadableStream<Uint8Array>,
    );
    expect(Buffer.from(plain).equals(data)).to.equal(true);
    expect(progress.at(-1)).to.equal(data.length);
  });

  it(`gives up after ${CHUNK_ATTEMPTS} attempts at one chunk and abandons the upload`, async () => {
    const server = fakeServer((n) => (n === 1 ? 503 : null));
    let error: unknown;
    await uploadInChunks(server.api, { draftId: "d", id, file, cek, delay: noWait }).catch((e: unknown) => (error = e));
    expect((error as { status?: number }).status).to.equal(503);
    expect(server.attempts.get(1)).to.equal(CHUNK_ATTEMPTS);
    expect(server.attempts.has(2)).to.equal(false);
    expect(server.deleted).to.equal(true);
    expect(server.committed).to.equal(false);
  });

  it("a refusal (4xx) is not retried; a cancelled upload is abandoned and rejects with AbortError", async () => {
    const refused = fakeServer((n) => (n === 0 ? 400 : null));
    await uploadInChunks(refused.api, { draftId: "d", id, file, cek, delay: noWait }).catch(() => undefined);
    expect(refused.attempts.get(0)).to.equal(1);
    expect(refused.deleted).to.equal(true);

    const controller = new AbortController();
    const server = fakeServer((n) => {
      if (n === 1) controller.abort();
      return null;
    });
    let error: unknown;
    await uploadInChunks(server.api, { draftId: "d", id, file, cek, delay: noWait, signal: controller.signal }).catch(
      (e: unknown) => (error = e),
    );
    expect((error as Error).name).to.equal("AbortError");
    expect(server.attempts.has(2)).to.equal(false);
    expect(server.deleted).to.equal(true);
    expect(server.committed).to.equal(false);
  });
});
