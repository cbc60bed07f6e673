import { Op, type Transaction } from "sequelize";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { releaseMessages } from "../services/messages/releaseMessages.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface EmptyTrashResult {
  deleted: number;
  shredded: number;
}

/**
 * Deletes the caller's trashed messages at once and for good (F12): their mailbox entries and
 * their key envelopes go, so this user can never decrypt them again. A message that has no
 * mailbox entry left for anyone is shredded entirely (content, envelopes, blobs).
 * `messageIds` limits it to some trashed messages; omitted, the whole trash is emptied.
 */
export async function emptyTrash(
  t: Transaction,
  userId: string,
  messageIds?: string[],
  audit: { ip?: string; userAgent?: string } = {},
): Promise<EmptyTrashResult> {
  const where = { userId, folder: "trash" as const, ...(messageIds ? { messageId: { [Op.in]: messageIds } } : {}) };
  const entries = await MailboxEntry.findAll({ where, transaction: t });
  const ids = [...new Set(entries.map((e) => e.messageId))];
  if (ids.length === 0) return { deleted: 0, shredded: 0 };
  await MailboxEntry.destroy({ where: { userId, messageId: { [Op.in]: ids }, folder: "trash" }, transaction: t });
  const shredded = await releaseMessages(t, userId, ids);
  await recordAudit(t, {
    type: "mailbox.trash_emptied",
    userId,
    ip: audit.ip,
    userAgent: audit.userAgent,
    data: { messages: ids.length, shredded },
  });
  return { deleted: ids.length, shredded };
}
