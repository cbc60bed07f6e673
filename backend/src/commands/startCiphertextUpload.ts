import { transaction } from "../db.js";
import { Attachment } from "../models/Attachment.js";
import { AttachmentUpload } from "../models/AttachmentUpload.js";
import type { User } from "../models/User.js";
import { loadOwnDraft } from "../services/attachments/drafts.js";
import { startCiphertextUpload as startUpload } from "../services/attachments/chunkedUpload.js";
import { AttachmentStreamError, parseHeader } from "../services/messageFormat/attachmentStream.js";

export type StartCiphertextUploadResult =
  | { kind: "started"; upload: AttachmentUpload }
  | { kind: "too_large"; limit: number }
  | { kind: "exists" }
  | { kind: "invalid_header"; reason: string };

export interface StartCiphertextUploadProps {
  user: User;
  messageId: string;
  /** The client-chosen attachment id (its stream key is derived from it). */
  attachmentId: string;
  /** Plaintext bytes. */
  size: number;
  /** The client's 16-byte v1 stream header (docs/format.md §4). */
  header: Buffer;
  /** The plan's per-attachment limit in bytes. */
  limit: number;
}

/**
 * Starts a resumable upload of a pre-encrypted attachment (the add-in's picked files) into the
 * caller's own draft (404 for another's, 409 once sent). No key is needed: the server checks
 * the stream header's structure, the size against the plan and that the id is free (neither an
 * attachment nor another upload), then accepts the client's records chunk by chunk.
 */
export async function startCiphertextUpload(props: StartCiphertextUploadProps): Promise<StartCiphertextUploadResult> {
  const { user, messageId, attachmentId, size, header, limit } = props;
  return transaction(async (t): Promise<StartCiphertextUploadResult> => {
    await loadOwnDraft(t, user, messageId);
    if (size > limit) return { kind: "too_large", limit };
    let noncePrefix: Buffer;
    try {
      if (header.length !== 16) throw new AttachmentStreamError("attachment stream: the header must be 16 bytes");
      noncePrefix = parseHeader(header);
    } catch (err) {
      if (err instanceof AttachmentStreamError)
        return { kind: "invalid_header", reason: err.message.replace(/^attachment stream: /, "") };
      throw err;
    }
    const taken =
      (await Attachment.count({ where: { id: attachmentId }, transaction: t })) +
      (await AttachmentUpload.count({ where: { id: attachmentId }, transaction: t }));
    if (taken) return { kind: "exists" };
    return { kind: "started", upload: await startUpload(t, messageId, { attachmentId, size, noncePrefix }) };
  });
}
