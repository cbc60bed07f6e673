import { transaction } from "../db.js";
import type { AttachmentUpload } from "../models/AttachmentUpload.js";
import type { AuthState } from "../services/sessions.js";
import { loadOwnDraft } from "../services/attachments/drafts.js";
import { startUpload } from "../services/attachments/chunkedUpload.js";
import { openContentKey } from "../services/messages/contentCrypto.js";
import { requestPrivateKey } from "../services/messages/readMessage.js";

export type StartAttachmentUploadResult =
  { kind: "started"; upload: AttachmentUpload } | { kind: "keys_locked" } | { kind: "too_large"; limit: number };

export interface StartAttachmentUploadProps {
  auth: AuthState;
  messageId: string;
  file: { name: string; type: string; size: number };
  /** The plan's per-attachment limit in bytes. */
  limit: number;
}

/**
 * Starts a resumable upload into the caller's own draft (404 for another's, 409 once sent): the
 * file's name, type and size are sealed under the draft's content key, opened with the
 * request's unlocked private key. Without one: `keys_locked`; over the limit: `too_large`.
 */
export async function startAttachmentUpload(props: StartAttachmentUploadProps): Promise<StartAttachmentUploadResult> {
  const { auth, messageId, file, limit } = props;
  const privateKey = await requestPrivateKey(auth);
  return transaction(async (t): Promise<StartAttachmentUploadResult> => {
    const { envelope } = await loadOwnDraft(t, auth.user, messageId);
    if (!privateKey) return { kind: "keys_locked" };
    if (file.size > limit) return { kind: "too_large", limit };
    const cek = await openContentKey(envelope.jwe, privateKey);
    try {
      return { kind: "started", upload: await startUpload(t, messageId, cek, file) };
    } finally {
      cek.fill(0);
    }
  });
}
