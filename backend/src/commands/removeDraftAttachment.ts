import { transaction } from "../db.js";
import { Attachment } from "../models/Attachment.js";
import type { User } from "../models/User.js";
import { blobStore } from "../services/blobs/index.js";
import { loadOwnDraft } from "../services/attachments/drafts.js";

export type RemoveDraftAttachmentResult = { kind: "removed" } | { kind: "not_found" };

/**
 * Removes an attachment from the caller's draft; its blob is overwritten and deleted once the
 * row is gone. 404 for another's draft (S4), 409 once sent; an unknown attachment is `not_found`.
 */
export async function removeDraftAttachment(
  user: User,
  messageId: string,
  attachmentId: string,
): Promise<RemoveDraftAttachmentResult> {
  const blobKey = await transaction(async (t) => {
    await loadOwnDraft(t, user, messageId);
    const row = await Attachment.findOne({ where: { id: attachmentId, messageId }, transaction: t });
    if (!row) return null;
    await row.destroy({ transaction: t });
    return row.blobKey;
  });
  if (blobKey === null) return { kind: "not_found" };
  await blobStore().overwriteAndDelete(blobKey);
  return { kind: "removed" };
}
