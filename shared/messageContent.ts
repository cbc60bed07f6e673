import { z } from "zod";

/**
 * The plaintext inside a message's content JWE, format v1 (docs/format.md §3): one schema for
 * the backend (node-jose) and the browser (jose on WebCrypto).
 */
export const FORMAT_VERSION = 1;

/** Client-chosen attachment id; the attachment stream key is derived from it. */
export const attachmentIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const AttachmentInfoSchema = z.object({
  id: z.string().regex(attachmentIdPattern),
  name: z.string(),
  /** MIME type as given by the sender ("application/octet-stream" when unknown). */
  type: z.string(),
  /** Plaintext size in bytes. */
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export const MessageContentSchema = z
  .object({
    v: z.literal(FORMAT_VERSION),
    subject: z.string(),
    bodyText: z.string(),
    bodyHtml: z.string().nullable(),
    attachments: z.array(AttachmentInfoSchema),
    /** Sender-side options shown to readers (e.g. expiry); free-form, JSON only. */
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((c) => new Set(c.attachments.map((a) => a.id)).size === c.attachments.length, {
    message: "attachment ids must be unique",
    path: ["attachments"],
  });

export type AttachmentInfo = z.infer<typeof AttachmentInfoSchema>;
export type MessageContent = z.infer<typeof MessageContentSchema>;

/**
 * Checks a decoded value against the v1 schema; throws a plain Error naming the first bad
 * field ("content: attachments.0.id: …"). Unknown members are dropped.
 */
export function parseMessageContent(value: unknown): MessageContent {
  const parsed = MessageContentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`content: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Parses the decrypted JSON text of a content JWE; throws a plain Error when it is not valid v1 content. */
export function parseMessageContentJson(json: string): MessageContent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("content: not JSON");
  }
  return parseMessageContent(value);
}

/** Canonical JSON of a content object: fixed member order (the test vectors depend on it). */
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
