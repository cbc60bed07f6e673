import crypto from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { transaction } from "../../backend/src/db.js";
import { Message } from "../../backend/src/models/Message.js";
import { KeyEnvelope } from "../../backend/src/models/KeyEnvelope.js";
import { MessageRecipient } from "../../backend/src/models/MessageRecipient.js";
import { MailboxEntry } from "../../backend/src/models/MailboxEntry.js";
import type { User } from "../../backend/src/models/User.js";
import { escrowedPrivateKey, userPublicKey } from "../../backend/src/services/keys/userKeys.js";
import { takeDraftForSend } from "../../backend/src/services/attachments/drafts.js";
import { encryptContent, wrapContentKey } from "../../backend/src/services/messageFormat/index.js";
import type { MessageContent } from "../../backend/src/services/messages/content.js";
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
  const csrf = api.cookies.get("kuvert_csrf");
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
export function streamRequest(api: ApiClient, method: string, path: string, body: Readable, headers: Record<string, string>): Promise<StreamedResponse> {
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
 * Stand-in for MESSAGING's send of a draft (POST /api/messages with a draft id) until it lands:
 * exactly the steps its send does with takeDraftForSend's result — the content JWE with the
 * attachment list sealed under the draft's key, one envelope per reader, recipient rows and
 * mailbox entries, state active. Uses the sender's escrowed key in place of the session key.
 */
export async function sendDraft(sender: User, draftId: string, recipients: User[], opts: SendDraftOptions = {}): Promise<void> {
  await transaction(async (t) => {
    const privateKey = await escrowedPrivateKey(t, sender);
    if (!privateKey) throw new Error("sender has no escrowed key");
    const draft = await takeDraftForSend(t, sender, draftId, privateKey);
    const content: MessageContent = { v: 1, subject: opts.subject ?? "Beslut", bodyText: opts.text ?? "Se bilaga.", bodyHtml: null, attachments: draft.attachments, options: {} };
    const sealed = await encryptContent(content, draft.cek);
    for (const reader of [sender, ...recipients]) {
      const jwe = await wrapContentKey(draft.cek, (await userPublicKey(reader))!);
      await KeyEnvelope.create({ messageId: draftId, userId: reader.id, jwe }, { transaction: t });
    }
    draft.cek.fill(0);
    for (const r of recipients) {
      await MessageRecipient.create({ messageId: draftId, userId: r.id, status: "notified", mobile: null, tokenHash: null, tokenExpiresAt: null }, { transaction: t });
      await MailboxEntry.create({ userId: r.id, messageId: draftId, folder: "inbox", unread: true }, { transaction: t });
    }
    await MailboxEntry.create({ userId: sender.id, messageId: draftId, folder: "sent", unread: false }, { transaction: t });
    await Message.update({ state: "active", content: sealed, eyesOnly: opts.eyesOnly ?? false, idCheck: opts.idCheck ?? false, burnAfterReading: opts.burnAfterReading ?? false }, { where: { id: draftId }, transaction: t });
  });
}
