import { z } from "zod";

/** The plaintext inside a message's content JWE, format v1 (docs/format.md §3). */
export const FORMAT_VERSION = 1;

export const attachmentIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

const AttachmentInfoSchema = z.object({
  id: z.string().regex(attachmentIdPattern),
  name: z.string(),
  type: z.string(),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export const MessageContentSchema = z
  .object({
    v: z.literal(FORMAT_VERSION),
    subject: z.string(),
    bodyText: z.string(),
    bodyHtml: z.string().nullable(),
    attachments: z.array(AttachmentInfoSchema),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((c) => new Set(c.attachments.map((a) => a.id)).size === c.attachments.length, {
    message: "attachment ids must be unique",
    path: ["attachments"],
  });

export type AttachmentInfo = z.infer<typeof AttachmentInfoSchema>;
export type MessageContent = z.infer<typeof MessageContentSchema>;

/** Canonical JSON of a content object: fixed member order (the test vectors depend on it). */
export function serializeMessageContent(content: MessageContent): string {
  const c = MessageContentSchema.parse(content);
  return JSON.stringify({
    v: c.v,
    subject: c.subject,
    bodyText: c.bodyText,
    bodyHtml: c.bodyHtml,
    attachments: c.attachments.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size })),
    options: c.options,
  });
}

export function parseMessageContent(json: string): MessageContent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("content: not JSON");
  }
  const parsed = MessageContentSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(`content: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
