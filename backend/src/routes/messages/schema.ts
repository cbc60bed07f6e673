import { z } from "zod";

export const RecipientSchema = z.object({
  email: z.email().max(320),
  mobile: z.string().trim().max(32).nullish(),
});

export const OptionsSchema = z
  .object({
    idCheck: z.boolean().optional(),
    burnAfterReading: z.boolean().optional(),
    eyesOnly: z.boolean().optional(),
    readReceipt: z.boolean().optional(),
    notify: z.boolean().optional(),
    hideRecipients: z.boolean().optional(),
    /** ISO 8601 date-time; after it nothing can be read. */
    expiresAt: z.iso.datetime({ offset: true }).nullish(),
  })
  .strict();

export const MAX_BODY_CHARS = 2_000_000;

const compactJwe = z.string().regex(/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/, "must be a JWE in compact serialization");

export const SendMessageBody = z
  .object({
    to: z.array(RecipientSchema).min(1).max(100),
    subject: z.string().max(500).default(""),
    body: z
      .union([
        z.string().max(MAX_BODY_CHARS),
        z
          .object({ text: z.string().max(MAX_BODY_CHARS).nullish(), html: z.string().max(MAX_BODY_CHARS).nullish() })
          .strict(),
      ])
      .default(""),
    /** Send this draft (with the attachments streamed into it) instead of a new message. */
    draftId: z.uuid().nullish(),
    /** The add-in's pre-encrypted form: subject and body are then inside `content` and ignored here. */
    encrypted: z
      .object({
        content: compactJwe.max(12 * 1024 * 1024),
        envelopes: z
          .array(z.object({ userId: z.uuid(), jwe: compactJwe.max(4096) }).strict())
          .min(2)
          .max(101),
      })
      .strict()
      .nullish(),
    /**
     * With the pre-encrypted form: the version of the organisation's mandatory signature the
     * client appended before encrypting (GET /api/messages/compose-defaults → mandatorySignature).
     */
    signatureVersion: z.number().int().min(0).max(2_147_483_647).nullish(),
    /** Left-out options take the organisation's defaults (then: notify on, the rest off); forced ones are always on. */
    options: OptionsSchema.default({}),
    replyTo: z.uuid().nullish(),
    /**
     * The add-in sends the Outlook item itself as the one notification (Mailbox 1.15): the
     * backend e-mails no recipient and answers with `notification` (subject, HTML, shared link).
     */
    paneSendsNotification: z.boolean().optional(),
    /** Language of `notification` (default sv). */
    notificationLocale: z.enum(["sv", "en"]).optional(),
  })
  .strict();
export const SaveDraftBody = z
  .object({
    to: z.array(RecipientSchema).max(100).default([]),
    /** The security functions chosen so far; kept inside the encrypted draft, applied only when it is sent. */
    options: OptionsSchema.optional(),
    subject: z.string().max(500).default(""),
    body: z
      .union([
        z.string().max(MAX_BODY_CHARS),
        z
          .object({ text: z.string().max(MAX_BODY_CHARS).nullish(), html: z.string().max(MAX_BODY_CHARS).nullish() })
          .strict(),
      ])
      .default(""),
  })
  .strict();

export type SendMessageInput = z.infer<typeof SendMessageBody>;

export const MessageIdParams = z.object({ id: z.uuid() });

const Person = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });
const Options = z.object({
  idCheck: z.boolean(),
  burnAfterReading: z.boolean(),
  eyesOnly: z.boolean(),
  readReceipt: z.boolean(),
  notify: z.boolean(),
  hideRecipients: z.boolean(),
  expiresAt: z.string().nullable(),
});

export const SentResponse = z.object({
  id: z.string(),
  threadId: z.string(),
  recipients: z.array(Person.extend({ status: z.string() })),
  /** Only with `paneSendsNotification`: what the Outlook item becomes; `link` is the shared /m/{token}. */
  notification: z.object({ subject: z.string(), html: z.string(), link: z.string() }).optional(),
});

export const MessageResponse = z.object({
  id: z.string(),
  threadId: z.string(),
  parentId: z.string().nullable(),
  sender: Person.nullable(),
  recipients: z.array(Person.extend({ status: z.string().optional(), readAt: z.string().nullable().optional() })),
  subject: z.string(),
  text: z.string().nullable(),
  html: z.string().nullable().describe("Sanitised HTML"),
  attachments: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), size: z.number() })),
  options: Options,
  state: z.string(),
  revealRequired: z.boolean().describe("Burn after reading: the body comes only from POST /api/messages/{id}/reveal"),
  draftTo: z
    .array(z.object({ email: z.string(), mobile: z.string().nullable() }))
    .optional()
    .describe("Drafts only: the intended recipients"),
  draftOptions: OptionsSchema.optional().describe(
    "Drafts only: the security functions chosen so far (absent when none were saved)",
  ),
  createdAt: z.string(),
});

export const EncryptedMessageResponse = z.object({
  id: z.string(),
  threadId: z.string(),
  parentId: z.string().nullable(),
  formatVersion: z.number(),
  content: z.string().describe("Content JWE (dir, A256GCM)"),
  envelope: z.string().describe("The caller's key envelope (ECDH-ES+A256KW)"),
  sender: Person.nullable(),
  recipients: z.array(Person.extend({ status: z.string().optional(), readAt: z.string().nullable().optional() })),
  options: Options,
  createdAt: z.string(),
});

export const ThreadResponse = z.object({
  threadId: z.string(),
  messages: z.array(MessageResponse.extend({ available: z.boolean(), idCheckRequired: z.boolean() })),
});

export const MailboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Search: every word must match a word (or the start of a word) in subject, body, people or file names. */
  q: z.string().trim().max(200).optional(),
});
export const MailboxParams = z.object({ folder: z.string().min(1).max(36) });

export const MailboxResponse = z.object({
  folder: z.string(),
  total: z.number(),
  unread: z.record(z.string(), z.number()),
  items: z.array(
    z.object({
      id: z.string(),
      threadId: z.string(),
      folder: z.string().nullable(),
      unread: z.boolean(),
      state: z.string(),
      sender: Person.nullable(),
      subject: z.string().nullable(),
      hasAttachments: z.boolean().nullable(),
      recipients: z.array(Person.extend({ status: z.string() })),
      options: Options,
      createdAt: z.string(),
    }),
  ),
});
