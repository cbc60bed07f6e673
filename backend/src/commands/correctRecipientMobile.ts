import type { Transaction } from "sequelize";
import { NotFoundError, appError } from "../errors.js";
import { Contact } from "../models/Contact.js";
import { Message } from "../models/Message.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { User } from "../models/User.js";
import { maskPhone, parsePhone } from "../services/phones.js";
import { revokeSmsCodesFor } from "../services/smsCodes.js";
import { recipientCodePurpose } from "../services/messages/recipientLink.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/**
 * After "Notify the sender" (F9): the sender gives the right mobile number for a first-time
 * recipient of their message. The code already sent to the wrong number is voided, the next SMS
 * code for that link goes to the new one; the sender's contact is updated and is no longer a
 * safe contact until the new number is verified.
 */
export async function correctRecipientMobile(
  t: Transaction,
  sender: User,
  messageId: string,
  recipientUserId: string,
  rawMobile: string,
): Promise<string | null> {
  const message = await Message.findByPk(messageId, { transaction: t });
  if (!message || message.senderId !== sender.id) throw NotFoundError("Message not found");
  const recipient = await MessageRecipient.findOne({ where: { messageId, userId: recipientUserId }, transaction: t });
  const user = recipient ? await User.findByPk(recipient.userId, { transaction: t }) : null;
  if (!recipient || !user) throw NotFoundError("Recipient not found");
  if (user.status !== "pending")
    throw appError("recipient_registered", "The recipient already has an account and verified their number");
  const parsed = parsePhone(rawMobile, "SE");
  if (!parsed)
    throw appError("invalid_mobile", "The mobile number is not valid; use international form, e.g. +46701234567");
  recipient.mobile = parsed.e164;
  await recipient.save({ transaction: t });
  await revokeSmsCodesFor(t, user.id, recipientCodePurpose(recipient));
  await Contact.update(
    { mobile: parsed.e164, verified: false },
    { where: { ownerId: sender.id, email: user.email }, transaction: t },
  );
  await recordAudit(t, {
    type: "recipient.mobile_corrected",
    userId: sender.id,
    organisationId: sender.organisationId,
    data: { messageId, recipientId: user.id },
  });
  return maskPhone(parsed.e164);
}
