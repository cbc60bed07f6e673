import type { Transaction } from "sequelize";
import { NotFoundError } from "../errors.js";
import type { User } from "../models/User.js";
import { Message } from "../models/Message.js";
import { KeyEnvelope } from "../models/KeyEnvelope.js";
import { MessageRecipient } from "../models/MessageRecipient.js";

/** How the caller relates to a message they may read. */
export interface MessageAccess {
  message: Message;
  envelope: KeyEnvelope;
  isSender: boolean;
  /** The caller's recipient row (null for the sender of a message they did not address to themselves). */
  recipient: MessageRecipient | null;
}

/**
 * A reader is a user holding a key envelope for the message: its sender and its recipients,
 * until they delete it for good (the envelope goes with it). Everyone else gets the same 404
 * as for a message that does not exist (S4), so ids reveal nothing.
 */
export async function authorizeMessageReader(user: User, messageId: string, t?: Transaction): Promise<MessageAccess> {
  const envelope = await KeyEnvelope.findOne({ where: { messageId, userId: user.id }, transaction: t });
  const message = envelope ? await Message.findByPk(messageId, { transaction: t }) : null;
  if (!envelope || !message || (message.state === "draft" && message.senderId !== user.id))
    throw NotFoundError("Message not found");
  const isSender = message.senderId === user.id;
  const recipient = await MessageRecipient.findOne({ where: { messageId, userId: user.id }, transaction: t });
  if (!isSender && !recipient) throw NotFoundError("Message not found");
  return { message, envelope, isSender, recipient };
}

/** Only the sender sees every recipient and their delivery status, unless recipients are hidden. */
export function mayListAllRecipients(access: Pick<MessageAccess, "isSender" | "message">): boolean {
  return access.isSender || !access.message.hideRecipients;
}
