import { hashLinkToken, linkTokenPattern } from "./linkTokens.js";
import type { Transaction } from "sequelize";
import { NotFoundError } from "../../errors.js";
import type { User } from "../../models/User.js";
import { Message } from "../../models/Message.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { mayLearnMessageBurned, messageReaderAccess, type MessageAccess } from "../../policies/messages.js";
import { MessageGoneError } from "./readMessage.js";

export type { MessageAccess };

/**
 * Loads the rows that make the caller a reader of a message and asks the policy
 * (`messageReaderAccess`); anyone who is not a reader gets the same 404 as for a message that
 * does not exist (S4) — except the former readers of a burned message, who get 410
 * message_burned.
 */
export async function authorizeMessageReader(user: User, messageId: string, t?: Transaction): Promise<MessageAccess> {
  const envelope = await KeyEnvelope.findOne({ where: { messageId, userId: user.id }, transaction: t });
  const message = envelope ? await Message.findByPk(messageId, { transaction: t }) : null;
  const recipient = message
    ? await MessageRecipient.findOne({ where: { messageId, userId: user.id }, transaction: t })
    : null;
  const access = messageReaderAccess(user, { message, envelope, recipient });
  if (access) return access;
  if (!envelope) {
    // The envelopes of a burned message are gone; its former readers are told so (410).
    const gone = await Message.findByPk(messageId, { transaction: t });
    const row = gone ? await MessageRecipient.findOne({ where: { messageId, userId: user.id }, transaction: t }) : null;
    if (mayLearnMessageBurned(user, gone, row)) throw MessageGoneError("burned");
  }
  throw NotFoundError("Message not found");
}

/** A message by id, or null; authorisation is the caller's (a policy). */
export async function messageById(messageId: string, t?: Transaction): Promise<Message | null> {
  return Message.findByPk(messageId, { transaction: t });
}

/** The message whose shared link (/m/{token}, the add-in's Outlook item) this is; only the hash is stored. */
export async function messageBySharedToken(token: string, t?: Transaction): Promise<Message | null> {
  if (!linkTokenPattern.test(token)) return null;
  return Message.findOne({ where: { sharedTokenHash: hashLinkToken(token) }, transaction: t });
}
