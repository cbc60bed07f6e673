import { Op, type Transaction } from "sequelize";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { Message } from "../../models/Message.js";
import { dialect } from "../../db.js";
import { shredMessage } from "./shredMessage.js";
import { dropIndex } from "../search/index.js";

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
    lock: dialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
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
