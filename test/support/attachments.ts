import crypto from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import type { User } from "../../backend/src/models/User.js";
import type { ApiClient } from "./server.js";

/** `size` deterministic pseudo-random bytes (AES-CTR keystream of `seed`), generated as a stream. */
export function pseudoRandomStream(size: number, seed: string, chunkSize = 1024 * 1024): Readable {
  const key = crypto.createHash("sha256").update(seed).digest().subarray(0, 16);
  const cipher = crypto.createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(chunkSize);
  let left = size;
  return new Readable({
    highWaterMark: chunkSize,
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, chunkSize);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

export function pseudoRandomBytes(size: number, seed: string): Buffer {
  const key = crypto.createHash("sha256").update(seed).digest().subarray(0, 16);
  return crypto.createCipheriv("aes-128-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** Headers of a signed-in ApiClient for a raw fetch (cookies, CSRF). */
export function authHeaders(api: ApiClient): Record<string, string> {
  const h: Record<string, string> = {};
  if (api.cookies.size) h.Cookie = api.cookieHeader();
  const csrf = api.cookies.get("kuvert_csrf") ?? api.cookies.get("__Host-kuvert_csrf");
  if (csrf) h["X-CSRF-Token"] = csrf;
  if (api.bearer) h.Authorization = `Bearer ${api.bearer}`;
  return h;
}

export interface StreamedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * Streams `body` to the server with node:http (chunked unless a Content-Length header is given),
 * honouring backpressure so the client side never buffers the file. Resolves with the answer
 * even when the server answers early (e.g. 413) and closes while the client is still sending.
 */
export function streamRequest(
  api: ApiClient,
  method: string,
  path: string,
  body: Readable,
  headers: Record<string, string>,
): Promise<StreamedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(api.baseUrl + path, { method, headers: { ...authHeaders(api), ...headers } });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      body.unpipe(req);
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on("error", reject);
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    body.on("error", (err) => req.destroy(err));
    body.pipe(req);
  });
}

export interface SendDraftOptions {
  subject?: string;
  text?: string;
  eyesOnly?: boolean;
  idCheck?: boolean;
  burnAfterReading?: boolean;
}

/**
 * Sends a draft with its attachments through the product's send (POST /api/messages with
 * `draftId`), signed in as the sender, to existing users (no mobile needed).
 */
export async function sendDraft(
  senderApi: ApiClient,
  draftId: string,
  recipients: Array<Pick<User, "email">>,
  opts: SendDraftOptions = {},
): Promise<void> {
  const res = await senderApi.post("/api/messages", {
    draftId,
    to: recipients.map((r) => ({ email: r.email })),
    subject: opts.subject ?? "Beslut",
    body: opts.text ?? "Se bilaga.",
    options: {
      eyesOnly: opts.eyesOnly ?? false,
      idCheck: opts.idCheck ?? false,
      burnAfterReading: opts.burnAfterReading ?? false,
    },
  });
  if (res.status !== 201 || res.body.id !== draftId) throw new Error(`send of draft failed: ${res.status} ${res.text}`);
}
