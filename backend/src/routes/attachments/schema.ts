import { z } from "zod";

export const DraftParams = z.object({ id: z.uuid() });
export const AttachmentParams = z.object({ id: z.uuid(), aid: z.uuid() });

const compactJwe = z
  .string()
  .max(200_000)
  .regex(/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/, "must be a compact JWE");

export const CreateDraftBody = z
  .object({
    /** The message this draft answers (Basic accounts may only reply). */
    replyTo: z.uuid().nullish(),
    /** Pre-encrypted form: the client's content JWE and its own key envelope (under its own content key). */
    encrypted: z.object({ content: compactJwe, envelope: compactJwe }).strict().nullish(),
  })
  .strict();

export const DraftResponse = z.object({ id: z.string(), threadId: z.string(), state: z.string() });

export const AttachmentResponse = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number().describe("Plaintext bytes"),
});

export const CiphertextAttachmentResponse = z.object({
  id: z.string(),
  ciphertextSize: z.number(),
  records: z.number(),
});

export const UploadParams = z.object({ id: z.uuid(), uid: z.uuid() });
export const ChunkParams = z.object({ id: z.uuid(), uid: z.uuid(), n: z.coerce.number().int().min(0).max(1_000_000) });

export const StartUploadBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    type: z.string().max(255).default("application/octet-stream"),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export const StartCiphertextUploadBody = z
  .object({
    /** The client-chosen attachment id: the stream key is derived from it. */
    attachmentId: z.uuid(),
    /** Plaintext bytes. */
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** The 16-byte v1 stream header (docs/format.md §4), base64url without padding. */
    header: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "must be the 16-byte stream header, base64url"),
  })
  .strict();

export const UploadResponse = z.object({
  id: z.string().describe("Also the attachment's id after commit"),
  size: z.number(),
  chunkSize: z.number(),
  chunks: z.number(),
  received: z.array(z.number()),
});
