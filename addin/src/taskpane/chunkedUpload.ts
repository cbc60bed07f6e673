/**
 * A big file picked in the pane, encrypted and uploaded a chunk at a time through the resumable
 * upload API's pre-encrypted form (docs/api.md, *Attachments*): the pane never holds more than
 * one chunk's plaintext (8 MiB) and its records, whatever the file's size. A failed chunk is
 * sent again a bounded number of times, after asking the server which chunks it has (resume
 * from the server's state); the same plaintext at the same position encrypts to the same bytes,
 * which is what the server asks of a resent chunk. Cancelling (the `signal`) or any failure
 * abandons the upload: the server overwrites and deletes the chunks it got.
 */
import {
  b64u,
  createRecordSealer,
  UPLOAD_CHUNK_RECORDS,
  UPLOAD_CHUNK_SIZE,
  uploadChunkCount,
} from "../crypto/index.js";
import { abortError, ApiError, apiJson, apiRequest, apiUpload, isAbortError, type KuvertApi } from "./api.js";

/** Attempts per chunk (the first and up to three more). */
export const CHUNK_ATTEMPTS = 4;

interface UploadState {
  id: string;
  size: number;
  chunkSize: number;
  chunks: number;
  received: number[];
}

export interface ChunkedUploadInput {
  draftId: string;
  /** The attachment id (the stream key is derived from it). */
  id: string;
  file: Blob;
  cek: Uint8Array;
  signal?: AbortSignal;
  /** Plaintext bytes of this file sent so far, and its size. */
  onProgress?: (sent: number, total: number) => void;
  /** Waits before a retry (tests shorten it). */
  delay?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", stop);
      resolve();
    }
    function stop() {
      clearTimeout(timer);
      reject(abortError());
    }
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** Worth another attempt: no answer, a server error, a timeout or a rate limit. */
function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

function retryDelay(err: unknown, attempt: number): number {
  const after = err instanceof ApiError ? Number(err.retryAfter ?? NaN) : NaN;
  if (Number.isFinite(after) && after > 0) return Math.min(after, 30) * 1000;
  return 500 * 2 ** attempt;
}

/** Encrypts and uploads `file` in chunks into the draft; resolves once the server committed it. */
export async function uploadInChunks(api: KuvertApi, input: ChunkedUploadInput): Promise<void> {
  const { draftId, id, file, cek, signal } = input;
  const delay = input.delay ?? wait;
  const size = file.size;
  const sealer = await createRecordSealer(cek, id);
  if (signal?.aborted) throw abortError();
  const base = `/api/messages/${draftId}/attachments/uploads`;
  const started = await apiJson<UploadState>(api, "POST", `${base}/encrypted`, {
    attachmentId: id,
    size,
    header: b64u(sealer.header),
  });
  const path = `${base}/${started.id}`;
  const chunks = uploadChunkCount(size);
  const chunkBytes = (n: number) => Math.min(size, (n + 1) * UPLOAD_CHUNK_SIZE) - n * UPLOAD_CHUNK_SIZE;
  const received = new Set(started.received);
  const done = () => [...received].reduce((sum, n) => sum + chunkBytes(n), 0);
  try {
    for (let n = 0; n < chunks; n++) {
      if (received.has(n)) continue;
      if (signal?.aborted) throw abortError();
      const slice = file.slice(n * UPLOAD_CHUNK_SIZE, n * UPLOAD_CHUNK_SIZE + chunkBytes(n));
      let records: Uint8Array<ArrayBuffer> | null = await sealer.sealRecords(
        new Uint8Array(await slice.arrayBuffer()),
        n * UPLOAD_CHUNK_RECORDS,
        n === chunks - 1,
      );
      for (let attempt = 0; ; attempt++) {
        try {
          const before = done();
          await apiUpload(
            api,
            `${path}/chunks/${n}`,
            records,
            { "Content-Type": "application/octet-stream" },
            (sent, total) => input.onProgress?.(before + Math.round((sent / Math.max(total, 1)) * chunkBytes(n)), size),
            signal,
          );
          received.add(n);
          break;
        } catch (err) {
          if (isAbortError(err) || !retryable(err) || attempt + 1 >= CHUNK_ATTEMPTS) throw err;
          await delay(retryDelay(err, attempt), signal);
          // Resume from what the server has (the chunk may have arrived with its answer lost).
          const state = await apiJson<UploadState>(api, "GET", path).catch(() => null);
          for (const r of state?.received ?? []) received.add(r);
          if (received.has(n)) break;
        }
      }
      records = null; // let this chunk go before the next one is read
      input.onProgress?.(done(), size);
    }
    await apiJson(api, "POST", `${path}/commit`, {});
  } catch (err) {
    // Cancelled or failed: the server overwrites and deletes what it got (best effort).
    await apiRequest(api, "DELETE", path).catch(() => undefined);
    throw err;
  }
}
