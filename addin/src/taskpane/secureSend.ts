/**
 * Send securely (F1), as plain functions over the Office adapter and the Kuvert API:
 * 1. look up every reader's public key (the sender's own included);
 * 2. encrypt in the page (addin/src/crypto): a draft holding only the sender's envelope, then
 *    each attachment as a v1 stream uploaded as ciphertext, then the content JWE and one
 *    envelope per reader in the pre-encrypted POST /api/messages. When the organisation's
 *    signature is mandatory (F5), its rendering for the sender is appended to the body before
 *    encrypting and its version declared (`signatureVersion`); the server refuses a stale one
 *    with 422 `signature_required`;
 * 3. only after the server accepted the message: turn the Outlook item into the neutral
 *    notification (subject, body with the link, no attachments) and send it where Office allows
 *    (Mailbox 1.15). The attachment list is read again before sending and before the item is
 *    changed: one added in Outlook meanwhile stops the send (AttachmentAddedError).
 * Office calls are made one at a time (Outlook allows at most three simultaneous calls).
 * Any failure before step 3 leaves the Outlook item exactly as it was.
 */
import type { Attachment, OfficeAdapter, Recipients } from "../office/adapter.js";
import {
  encryptBlob,
  collect,
  encryptContent,
  generateContentKey,
  wrapContentKey,
  type AttachmentInfo,
  type PublicJwk,
} from "../crypto/index.js";
import { htmlToText } from "#shared/sensitivity.js";
import { apiJson, apiUpload, type KuvertApi } from "./api.js";

export interface SecurityOptions {
  hideRecipients: boolean;
  readReceipt: boolean;
  notify: boolean;
  idCheck: boolean;
  burnAfterReading: boolean;
  eyesOnly: boolean;
  /** ISO date (yyyy-mm-dd) or "" for none. */
  expiresOn: string;
}

export const optionNames = [
  "hideRecipients",
  "readReceipt",
  "notify",
  "idCheck",
  "burnAfterReading",
  "eyesOnly",
] as const;
export type OptionName = (typeof optionNames)[number];

export interface RecipientKey {
  email: string;
  userId: string;
  kid: string;
  publicKey: PublicJwk;
}

export interface Progress {
  /** "outlook:<id>" or "file:<index>". */
  key: string;
  name: string;
  sent: number;
  total: number;
}

export interface SendInput {
  sender: { id: string; email: string };
  /** Every address of To, Cc and Bcc, in order, without duplicates. */
  addresses: string[];
  /** Mobile numbers the user typed for unknown recipients (email → number). */
  mobiles: Record<string, string>;
  /** Only the options the user changed; the rest take the organisation's defaults. */
  options: Partial<SecurityOptions>;
  /** Files picked in the pane (may exceed Outlook's own attachment limit). */
  files: File[];
  locale: "sv" | "en";
}

export interface SendDeps {
  office: OfficeAdapter;
  api: KuvertApi;
  onProgress?: (p: Progress) => void;
  onStep?: (step: "encrypting" | "uploading" | "sending" | "notifying" | "done") => void;
}

export interface SendResult {
  messageId: string;
  /** True when the pane sent the Outlook item (Mailbox 1.15); otherwise the user presses Send. */
  sentByPane: boolean;
}

/** Unique addresses of To, Cc and Bcc (case-insensitive), the first spelling kept. */
export function allAddresses(r: Recipients): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of [...r.to, ...r.cc, ...r.bcc]) {
    const key = x.email.trim().toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(x.email.trim());
  }
  return out;
}

/** POST /api/keys/lookup; throws ApiError 422 `mobile_required` (details.recipients) for unknown people without a number. */
export async function lookupKeys(
  api: KuvertApi,
  addresses: string[],
  mobiles: Record<string, string>,
): Promise<RecipientKey[]> {
  const recipients = addresses.map((email) =>
    mobiles[email.toLowerCase()] ? { email, mobile: mobiles[email.toLowerCase()] } : { email },
  );
  const res = await apiJson<{
    keys: Array<{ email: string; userId: string; kid: string; publicKey: Record<string, unknown> }>;
  }>(api, "POST", "/api/keys/lookup", { recipients });
  return res.keys.map((k) => ({
    email: k.email,
    userId: k.userId,
    kid: k.kid,
    publicKey: { kty: "EC", crv: "P-256", x: String(k.publicKey.x), y: String(k.publicKey.y), kid: k.kid },
  }));
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface Source {
  key: string;
  id: string;
  name: string;
  type: string;
  blob: Blob;
}

/** Outlook's attachments as Blobs (files as is, attached e-mails as .eml); cloud links are refused. */
async function outlookSources(office: OfficeAdapter, list: Attachment[]): Promise<Source[]> {
  const out: Source[] = [];
  for (const a of list) {
    const c = await office.getAttachmentContent(a.id);
    if (c.format === "url") throw new Error(`cloud_attachment:${a.name}`);
    const bytes = c.format === "base64" ? base64ToBytes(c.content) : new TextEncoder().encode(c.content);
    const name = c.format === "eml" && !/\.eml$/i.test(a.name) ? `${a.name}.eml` : a.name;
    const type = a.contentType ?? (c.format === "eml" ? "message/rfc822" : "application/octet-stream");
    out.push({ key: `outlook:${a.id}`, id: crypto.randomUUID(), name, type, blob: new Blob([bytes], { type }) });
  }
  return out;
}

function apiOptions(o: Partial<SecurityOptions>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of optionNames) if (o[name] !== undefined) out[name] = o[name];
  if (o.expiresOn) out.expiresAt = new Date(`${o.expiresOn}T23:59:59`).toISOString();
  return out;
}

/** The organisation's mandatory signature, rendered for the signed-in user (GET /api/messages/compose-defaults). */
export interface MandatorySignature {
  version: number;
  html: string;
  text: string;
}

export async function mandatorySignature(api: KuvertApi): Promise<MandatorySignature | null> {
  const d = await apiJson<{ mandatorySignature?: MandatorySignature | null }>(
    api,
    "GET",
    "/api/messages/compose-defaults",
  );
  return d.mandatorySignature ?? null;
}

/** The Outlook body with the signature's (server-sanitised) HTML below it, inside <body> when there is one. */
export function appendSignature(bodyHtml: string, signature: MandatorySignature): string {
  const block = `<div>${signature.html}</div>`;
  const end = bodyHtml.search(/<\/body\s*>/i);
  return end < 0 ? `${bodyHtml}${block}` : `${bodyHtml.slice(0, end)}${block}${bodyHtml.slice(end)}`;
}

/** Encrypts and sends the open Outlook item securely, then turns it into the notification. */
export async function sendSecurely(deps: SendDeps, input: SendInput): Promise<SendResult> {
  const { office, api } = deps;
  deps.onStep?.("encrypting");
  // Office calls one at a time: Outlook allows at most three in flight.
  const subject = await office.getSubject();
  const outlookHtml = await office.getBodyHtml();
  const signature = await mandatorySignature(api);
  const bodyHtml = signature ? appendSignature(outlookHtml, signature) : outlookHtml;
  const outlookAttachments = await office.getAttachments();
  const keys = await lookupKeys(api, [...input.addresses, input.sender.email], input.mobiles);
  const own = keys.find((k) => k.userId === input.sender.id);
  if (!own) throw new Error("own_key_missing");
  const readers = [...new Map(keys.map((k) => [k.userId, k])).values()];
  const sources = [
    ...(await outlookSources(office, outlookAttachments)),
    ...input.files.map((f, i) => ({
      key: `file:${i}`,
      id: crypto.randomUUID(),
      name: f.name,
      type: f.type || "application/octet-stream",
      blob: f as Blob,
    })),
  ];

  const cek = generateContentKey();
  const empty = await encryptContent(
    { v: 1, subject: "", bodyText: "", bodyHtml: null, attachments: [], options: {} },
    cek,
  );
  const draft = await apiJson<{ id: string }>(api, "POST", "/api/messages/drafts", {
    encrypted: { content: empty, envelope: await wrapContentKey(cek, own.publicKey) },
  });

  deps.onStep?.("uploading");
  const attachments: AttachmentInfo[] = [];
  for (const s of sources) {
    const cipher = await collect(encryptBlob(s.blob, cek, s.id));
    deps.onProgress?.({ key: s.key, name: s.name, sent: 0, total: s.blob.size });
    await apiUpload(
      api,
      `/api/messages/${draft.id}/attachments/${s.id}/ciphertext`,
      cipher,
      { "Content-Type": "application/octet-stream", "X-Plaintext-Size": String(s.blob.size) },
      (sent, total) =>
        deps.onProgress?.({
          key: s.key,
          name: s.name,
          sent: Math.round((sent / Math.max(total, 1)) * s.blob.size),
          total: s.blob.size,
        }),
    );
    attachments.push({ id: s.id, name: s.name, type: s.type, size: s.blob.size });
  }

  // An attachment added in Outlook during the upload would not be encrypted: stop before sending.
  await stopIfAttachmentAdded(office, outlookAttachments, null);

  deps.onStep?.("sending");
  const options = apiOptions(input.options);
  const content = await encryptContent(
    { v: 1, subject, bodyText: htmlToText(bodyHtml), bodyHtml, attachments, options },
    cek,
  );
  const envelopes = await Promise.all(
    readers.map(async (k) => ({ userId: k.userId, jwe: await wrapContentKey(cek, k.publicKey) })),
  );
  const to = input.addresses.map((email) =>
    input.mobiles[email.toLowerCase()] ? { email, mobile: input.mobiles[email.toLowerCase()] } : { email },
  );
  const sent = await apiJson<{ id: string }>(api, "POST", "/api/messages", {
    to,
    encrypted: { content, envelopes },
    draftId: draft.id,
    options,
    ...(signature ? { signatureVersion: signature.version } : {}),
  });

  deps.onStep?.("notifying");
  // Read the list again right before the item becomes the notification: an attachment added
  // meanwhile would go out with it unencrypted, so the item is left untouched instead.
  await stopIfAttachmentAdded(office, outlookAttachments, sent.id);
  try {
    const note = await apiJson<{ subject: string; html: string }>(
      api,
      "GET",
      `/api/addin/notification?messageId=${encodeURIComponent(sent.id)}&locale=${input.locale}`,
    );
    await office.setSubject(note.subject);
    await office.setBodyHtml(note.html);
    for (const a of outlookAttachments) await office.removeAttachment(a.id);
    const sentByPane = office.canSend();
    if (sentByPane) await office.send();
    deps.onStep?.("done");
    return { messageId: sent.id, sentByPane };
  } catch (err) {
    throw new ItemUpdateError(sent.id, err instanceof Error ? err.message : String(err));
  }
}

/**
 * The user added an attachment in Outlook while the pane was sending. `messageId` is null when
 * nothing was sent yet (Send securely again includes it), or the id of the secure message that
 * went without it (the Outlook item was not changed and must not be sent as it is).
 */
export class AttachmentAddedError extends Error {
  constructor(
    readonly names: string[],
    readonly messageId: string | null,
  ) {
    super(`attachment_added:${names.join(", ")}`);
    this.name = "AttachmentAddedError";
  }
}

async function stopIfAttachmentAdded(office: OfficeAdapter, known: Attachment[], messageId: string | null) {
  const ids = new Set(known.map((a) => a.id));
  const added = (await office.getAttachments()).filter((a) => !ids.has(a.id));
  if (added.length)
    throw new AttachmentAddedError(
      added.map((a) => a.name),
      messageId,
    );
}

/** The secure message was sent, but the Outlook item could not be turned into the notification. */
export class ItemUpdateError extends Error {
  constructor(
    readonly messageId: string,
    message: string,
  ) {
    super(message);
    this.name = "ItemUpdateError";
  }
}
