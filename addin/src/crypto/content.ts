/** The plaintext inside a message's content JWE (docs/format.md §3). */
export const FORMAT_VERSION = 1;

export interface AttachmentInfo {
  /** Client-chosen id, 1–64 of [A-Za-z0-9_-]; the attachment stream key is derived from it. */
  id: string;
  name: string;
  /** MIME type as given by the sender ("application/octet-stream" when unknown). */
  type: string;
  /** Plaintext size in bytes. */
  size: number;
}

export interface MessageContent {
  v: 1;
  subject: string;
  bodyText: string;
  bodyHtml: string | null;
  attachments: AttachmentInfo[];
  /** Sender-side options shown to readers (e.g. expiry); free-form, JSON only. */
  options: Record<string, unknown>;
}

export const ATTACHMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks the decrypted JSON against the v1 schema; throws a plain Error naming the field. */
export function parseMessageContent(value: unknown): MessageContent {
  if (!isObject(value)) throw new Error("content: not an object");
  if (value.v !== FORMAT_VERSION) throw new Error("content.v: unsupported version");
  if (typeof value.subject !== "string") throw new Error("content.subject: not a string");
  if (typeof value.bodyText !== "string") throw new Error("content.bodyText: not a string");
  if (value.bodyHtml !== null && typeof value.bodyHtml !== "string")
    throw new Error("content.bodyHtml: not a string or null");
  if (!Array.isArray(value.attachments)) throw new Error("content.attachments: not a list");
  const ids = new Set<string>();
  const attachments = value.attachments.map((a: unknown, i: number): AttachmentInfo => {
    if (!isObject(a)) throw new Error(`content.attachments[${i}]: not an object`);
    if (typeof a.id !== "string" || !ATTACHMENT_ID.test(a.id)) throw new Error(`content.attachments[${i}].id: invalid`);
    if (ids.has(a.id)) throw new Error(`content.attachments[${i}].id: duplicate`);
    ids.add(a.id);
    if (typeof a.name !== "string") throw new Error(`content.attachments[${i}].name: not a string`);
    if (typeof a.type !== "string") throw new Error(`content.attachments[${i}].type: not a string`);
    if (typeof a.size !== "number" || !Number.isSafeInteger(a.size) || a.size < 0)
      throw new Error(`content.attachments[${i}].size: invalid`);
    return { id: a.id, name: a.name, type: a.type, size: a.size };
  });
  const options = value.options === undefined ? {} : value.options;
  if (!isObject(options)) throw new Error("content.options: not an object");
  return { v: 1, subject: value.subject, bodyText: value.bodyText, bodyHtml: value.bodyHtml, attachments, options };
}

/** The canonical JSON text of a content object (fixed member order, as in the test vectors). */
export function serializeMessageContent(content: MessageContent): string {
  const c = parseMessageContent(content);
  return JSON.stringify({
    v: c.v,
    subject: c.subject,
    bodyText: c.bodyText,
    bodyHtml: c.bodyHtml,
    attachments: c.attachments.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size })),
    options: c.options,
  });
}
