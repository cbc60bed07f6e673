import { transaction } from "../db.js";
import type { User } from "../models/User.js";
import { loadOwnDraft } from "../services/attachments/drafts.js";
import { shredMessage } from "../services/messages/shredMessage.js";
import { reapBlobKeys } from "../jobs/blobReaper.js";

/**
 * Deletes the caller's own unsent draft for good (the add-in's cancelled or failed send, F6):
 * its Drafts entry goes and the message is shredded — content, envelope, attachments and
 * unfinished uploads, whose blobs are overwritten and removed before this returns (what fails
 * stays queued for the reaper). 404 for anyone else's draft (S4), 409 `not_a_draft` once sent.
 */
export async function deleteDraft(user: User, messageId: string): Promise<void> {
  const blobKeys = await transaction(async (t) => {
    const { message } = await loadOwnDraft(t, user, messageId);
    return shredMessage(t, message, "shredded", { removeEntries: true });
  });
  await reapBlobKeys(blobKeys);
}
