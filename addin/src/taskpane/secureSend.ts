/**
 * Send securely (F1), as plain functions over the Office adapter and the Kuvert API:
 * 1. look up every reader's public key (the sender's own included);
 * 2. encrypt in the page (addin/src/crypto): a draft holding only the sender's envelope, then
 *    each attachment as a v1 stream uploaded as ciphertext — Outlook's own (in memory already)
 *    in one PUT, files picked in the pane a chunk at a time through the resumable upload
 *    (chunkedUpload.ts: bounded memory, retries, Cancel) — then the content JWE and one
 *    envelope per reader in the pre-encrypted POST /api/messages. When the organisation's
 *    signature is mandatory (F5), its rendering for the sender (the shared mailbox when sending
 *    as one) is appended to the body before encrypting and its version declared
 *    (`signatureVersion`); the server refuses a stale one with 422 `signature_required`;
 * 3. only after the server accepted the message: turn the Outlook item into the neutral
 *    notification (subject, body with the link, no attachments) and send it where Office allows
 *    (Mailbox 1.15). There the item IS the recipients' one notification (issue 12): the send
 *    request says so (`paneSendsNotification`), the backend e-mails nobody and answers with the
 *    notification, whose link (/m/{token}) works for every recipient after they identify
 *    themselves. Where the pane cannot send, the backend notifies the recipients as before and
 *    the item becomes a neutral notice the user may discard. The attachment list is read again
 *    before sending and right before the item is changed: one added in Outlook meanwhile stops
 *    the send (AttachmentAddedError; after the message went, with the notification still to
 *    send: finishNotification once the user removed it).
 * Office calls are made one at a time (Outlook allows at most three simultaneous calls).
 * Any failure before step 3 leaves the Outlook item exactly as it was, and deletes the draft the
 * send made on the server (DELETE /api/messages/drafts/{id}): nothing is left in Drafts.
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
import { abortError, apiJson, apiRequest, apiUpload, type KuvertApi } from "./api.js";
import { uploadInChunks } from "./chunkedUpload.js";

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

/** A Kuvert shared mailbox the signed-in user sends as (the Outlook item's From is its address). */
export interface SendAsMailbox {
  id: string;
  email: string;
}

export interface SendInput {
  sender: { id: string; email: string };
  /**
   * Send as this shared mailbox (F25, issue 11): the mailbox is the message's sender and its
   * reader in place of the user — the content key is wrapped to the mailbox's current key, and
   * the message goes through POST /api/mailboxes/{id}/messages (the `send` right is checked there).
   * The draft holding the uploaded attachments stays the user's own until it is sent.
   */
  mailbox?: SendAsMailbox | null;
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
  /**
   * Cancels the send until the message is posted (step "sending"): the upload in progress is
   * abandoned and the draft, with the attachments already in it, is deleted on the server; the
   * send rejects with an AbortError and the Outlook item is untouched.
   */
  signal?: AbortSignal;
}

export interface SendResult {
  messageId: string;
  /**
   * True when the pane sent the Outlook item as the recipients' notification (Mailbox 1.15);
   * otherwise Kuvert e-mailed them and the item is a neutral notice the user may discard.
   */
  sentByPane: boolean;
}

interface Notification {
  subject: string;
  html: string;
  link: string;
}

/** What is left to do after the message went: turn the item into `note` (and send it when `send`). */
export interface PendingNotification {
  messageId: string;
  note: Notification;
  /** The Outlook attachments that went encrypted (removed from the item). */
  known: Attachment[];
  send: boolean;
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
  /** A file picked in the pane: encrypted and uploaded a chunk at a time (any size, bounded memory). */
  picked?: boolean;
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

/**
 * The organisation's mandatory signature (GET /api/messages/compose-defaults), rendered for the
 * signed-in user, or for the shared mailbox when sending as one (its name and address).
 */
export interface MandatorySignature {
  version: number;
  html: string;
  text: string;
}

export async function mandatorySignature(
  api: KuvertApi,
  mailboxId?: string | null,
): Promise<MandatorySignature | null> {
  const query = mailboxId ? `?mailbox=${encodeURIComponent(mailboxId)}` : "";
  const d = await apiJson<{ mandatorySignature?: MandatorySignature | null }>(
    api,
    "GET",
    `/api/messages/compose-defaults${query}`,
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
  const mailbox = input.mailbox ?? null;
  const signature = await mandatorySignature(api, mailbox?.id);
  const bodyHtml = signature ? appendSignature(outlookHtml, signature) : outlookHtml;
  const outlookAttachments = await office.getAttachments();
  const keys = await lookupKeys(
    api,
    [...input.addresses, input.sender.email, ...(mailbox ? [mailbox.email] : [])],
    input.mobiles,
  );
  const own = keys.find((k) => k.userId === input.sender.id);
  if (!own) throw new Error("own_key_missing");
  const mailboxKey = mailbox ? keys.find((k) => k.userId === mailbox.id) : null;
  if (mailbox && !mailboxKey) throw new Error("mailbox_key_missing");
  // As a mailbox: the mailbox reads its own message (members through its key); the member is
  // a reader only when they are also one of the recipients.
  const recipientEmails = new Set(input.addresses.map((a) => a.trim().toLowerCase()));
  const readers = [
    ...new Map(
      keys
        .filter((k) => !mailbox || k.userId !== input.sender.id || recipientEmails.has(k.email.toLowerCase()))
        .map((k) => [k.userId, k]),
    ).values(),
  ];
  const sources = [
    ...(await outlookSources(office, outlookAttachments)),
    ...input.files.map((f, i) => ({
      key: `file:${i}`,
      id: crypto.randomUUID(),
      name: f.name,
      type: f.type || "application/octet-stream",
      blob: f as Blob,
      picked: true,
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
  // Mailbox 1.15 (item.sendAsync): the pane sends the item, which is then the one notification.
  const paneSends = office.canSend();
  let sent: { id: string; notification?: Notification };
  try {
    for (const s of sources) {
      if (deps.signal?.aborted) throw abortError();
      const report = (sent: number) => deps.onProgress?.({ key: s.key, name: s.name, sent, total: s.blob.size });
      report(0);
      if (s.picked) {
        await uploadInChunks(api, {
          draftId: draft.id,
          id: s.id,
          file: s.blob,
          cek,
          signal: deps.signal,
          onProgress: report,
        });
      } else {
        // Outlook's own attachments are in memory already (Office hands them over whole).
        const cipher = await collect(encryptBlob(s.blob, cek, s.id));
        await apiUpload(
          api,
          `/api/messages/${draft.id}/attachments/${s.id}/ciphertext`,
          cipher,
          { "Content-Type": "application/octet-stream", "X-Plaintext-Size": String(s.blob.size) },
          (sent, total) => report(Math.round((sent / Math.max(total, 1)) * s.blob.size)),
          deps.signal,
        );
      }
      report(s.blob.size);
      attachments.push({ id: s.id, name: s.name, type: s.type, size: s.blob.size });
    }
    if (deps.signal?.aborted) throw abortError();

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
    const sendPath = mailbox ? `/api/mailboxes/${encodeURIComponent(mailbox.id)}/messages` : "/api/messages";
    sent = await apiJson<{ id: string; notification?: Notification }>(api, "POST", sendPath, {
      to,
      encrypted: { content, envelopes },
      draftId: draft.id,
      options,
      ...(signature ? { signatureVersion: signature.version } : {}),
      ...(paneSends ? { paneSendsNotification: true, notificationLocale: input.locale } : {}),
    });
  } catch (err) {
    // Nothing was sent (cancelled, refused, failed): the draft this send made goes with whatever
    // was uploaded into it, so no empty encrypted draft is left in Drafts. Best effort; once the
    // server has taken the draft (a lost answer to a send that went), it refuses with 404/409.
    await apiRequest(api, "DELETE", `/api/messages/drafts/${draft.id}`).catch(() => undefined);
    throw err;
  }

  deps.onStep?.("notifying");
  const note =
    sent.notification ??
    (await apiJson<Notification>(
      api,
      "GET",
      `/api/addin/notification?messageId=${encodeURIComponent(sent.id)}&locale=${input.locale}`,
    ).catch((err: unknown) => {
      throw new ItemUpdateError(sent.id, err instanceof Error ? err.message : String(err));
    }));
  const result = await finishNotification(office, {
    messageId: sent.id,
    note,
    known: outlookAttachments,
    send: paneSends,
  });
  deps.onStep?.("done");
  return result;
}

/**
 * Turns the Outlook item into the notification and, where the pane sends it, sends it. The
 * attachment list is read again right before: an attachment added meanwhile would go out with
 * it unencrypted, so the item is left untouched (AttachmentAddedError carrying `pending`; call
 * again once the user removed it). Office calls one at a time.
 */
export async function finishNotification(office: OfficeAdapter, pending: PendingNotification): Promise<SendResult> {
  await stopIfAttachmentAdded(office, pending.known, pending.messageId, pending);
  try {
    await office.setSubject(pending.note.subject);
    await office.setBodyHtml(pending.note.html);
    const current = new Set((await office.getAttachments()).map((a) => a.id));
    for (const a of pending.known) if (current.has(a.id)) await office.removeAttachment(a.id);
    if (pending.send) {
      // The notification carries no attachment: one there now was added meanwhile.
      await stopIfAttachmentAdded(office, [], pending.messageId, pending);
      await office.send();
    }
    return { messageId: pending.messageId, sentByPane: pending.send };
  } catch (err) {
    if (err instanceof AttachmentAddedError) throw err;
    throw new ItemUpdateError(pending.messageId, err instanceof Error ? err.message : String(err));
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
    /** The notification still to send (the pane sends the item): finishNotification after the user removed it. */
    readonly pending: PendingNotification | null = null,
  ) {
    super(`attachment_added:${names.join(", ")}`);
    this.name = "AttachmentAddedError";
  }
}

async function stopIfAttachmentAdded(
  office: OfficeAdapter,
  known: Attachment[],
  messageId: string | null,
  pending: PendingNotification | null = null,
) {
  const ids = new Set(known.map((a) => a.id));
  const added = (await office.getAttachments()).filter((a) => !ids.has(a.id));
  if (added.length)
    throw new AttachmentAddedError(
      added.map((a) => a.name),
      messageId,
      pending?.send ? pending : null,
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
