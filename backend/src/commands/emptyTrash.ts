import { Op, type Transaction } from "sequelize";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { KeyEnvelope } from "../models/KeyEnvelope.js";
import { Message } from "../models/Message.js";
import { db } from "../db.js";
import { shredMessage } from "./shredMessage.js";
import { recordAudit } from "./recordAudit.js";
import { dropIndex } from "../services/search/index.js";

/**
 * Takes `messageIds` away from one reader for good: their key envelopes and search terms go, so
 * they can never decrypt them again; a message with no mailbox entry left for anyone is shredded
 * entirely (content, envelopes, blobs). The caller has removed the reader's mailbox entries.
 * Returns how many messages were shredded.
 */
export async function releaseMessages(t: Transaction, userId: string, messageIds: string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  await KeyEnvelope.destroy({ where: { userId, messageId: { [Op.in]: messageIds } }, transaction: t });
  await dropIndex(t, messageIds, userId);
  let shredded = 0;
  const messages = await Message.findAll({
    where: { id: { [Op.in]: messageIds } },
    transaction: t,
    lock: db().getDialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
  });
  for (const message of messages) {
    const remaining = await MailboxEntry.count({ where: { messageId: message.id }, transaction: t });
    if (remaining === 0 && message.state !== "shredded") {
      await shredMessage(t, message, "shredded");
      shredded += 1;
    }
  }
  return shredded;
}

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
