import { EventEmitter } from "node:events";
import type { Transaction } from "sequelize";
import { Message } from "../../models/Message.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { Attachment } from "../../models/Attachment.js";
import { AttachmentUpload } from "../../models/AttachmentUpload.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { BlobDeletion } from "../../models/BlobDeletion.js";
import { recordAudit } from "../audit/recordAudit.js";
import { dropIndex } from "../search/index.js";

export type ShredReason = "shredded" | "expired" | "burned";

/** Emits "queued" after a transaction that scheduled blob deletions commits. */
export const blobDeletionEvents = new EventEmitter();

/**
 * Destroys a message for good (F12, expiry, burn after reading): every key envelope and the
 * content ciphertext are deleted in `t`, the attachment blobs are scheduled for overwrite and
 * removal (the blob reaper does it after commit), recipients show the final status. What
 * stays is the row's skeleton (state, times) so senders see "expired"/"burned" in Sent.
 * With `removeEntries`, the mailbox entries go too (emptied trash of the last reader).
 * Returns the blob keys queued for removal.
 */
export async function shredMessage(
  t: Transaction,
  message: Message,
  reason: ShredReason,
  opts: { removeEntries?: boolean } = {},
): Promise<string[]> {
  await KeyEnvelope.destroy({ where: { messageId: message.id }, transaction: t });
  const attachments = await Attachment.findAll({ where: { messageId: message.id }, transaction: t });
  const uploads = await AttachmentUpload.findAll({ where: { messageId: message.id }, transaction: t });
  const blobKeys = [
    ...attachments.map((a) => a.blobKey),
    ...uploads.flatMap((u) => u.chunkKeys().filter((k): k is string => !!k)),
  ];
  for (const blobKey of blobKeys) await BlobDeletion.create({ blobKey }, { transaction: t });
  await Attachment.destroy({ where: { messageId: message.id }, transaction: t });
  await AttachmentUpload.destroy({ where: { messageId: message.id }, transaction: t });
  if (reason !== "shredded") {
    await MessageRecipient.update(
      { status: reason, tokenHash: null },
      { where: { messageId: message.id }, transaction: t },
    );
  } else {
    await MessageRecipient.update({ tokenHash: null }, { where: { messageId: message.id }, transaction: t });
  }
  await dropIndex(t, [message.id]);
  if (opts.removeEntries) await MailboxEntry.destroy({ where: { messageId: message.id }, transaction: t });
  message.content = null;
  message.state = reason;
  message.shreddedAt = new Date();
  await message.save({ transaction: t });
  await recordAudit(t, {
    type: `message.${reason}`,
    organisationId: message.organisationId,
    userId: message.senderId,
    data: { messageId: message.id, attachments: attachments.length },
  });
  if (blobKeys.length) {
    t.afterCommit(() => {
      blobDeletionEvents.emit("queued");
    });
  }
  return blobKeys;
}
