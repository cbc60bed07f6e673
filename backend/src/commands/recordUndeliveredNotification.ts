import type { Transaction } from "sequelize";
import { env } from "../env.js";
import { Message } from "../models/Message.js";
import { MessageRecipient, type DeliveryStatus } from "../models/MessageRecipient.js";
import { User } from "../models/User.js";
import { enqueueEmail } from "../outbox/enqueue.js";

const referencePattern = /^message_recipient:([0-9a-f-]{36})$/;
/** Only a status that still says "on its way" or "notified" turns into "not delivered". */
const replaceable: DeliveryStatus[] = ["queued", "notified"];

/**
 * The outbox gave up on a notification e-mail (a permanent SMTP refusal, or its retry window
 * ran out): the recipient's delivery status becomes `not_delivered`, which the sender sees in
 * Sent, and the sender is told by e-mail (through the outbox, in the sender's language) which
 * recipient was not reached, with a link to the message in Sent — no message content. Runs
 * inside the transaction that marks the outbox entry failed.
 */
export async function recordUndeliveredNotification(t: Transaction, reference: string): Promise<void> {
  const id = referencePattern.exec(reference)?.[1];
  if (!id) return;
  const recipient = await MessageRecipient.findByPk(id, { transaction: t });
  if (!recipient || !replaceable.includes(recipient.status)) return;
  recipient.status = "not_delivered";
  await recipient.save({ transaction: t });

  const message = await Message.findByPk(recipient.messageId, { transaction: t });
  if (!message?.senderId) return;
  const [sender, reader] = await Promise.all([
    User.findByPk(message.senderId, { transaction: t }),
    User.findByPk(recipient.userId, { transaction: t }),
  ]);
  if (!sender || !reader || sender.status !== "active") return;
  await enqueueEmail(t, {
    to: sender.email,
    template: "notification-undelivered",
    locale: sender.locale,
    vars: {
      recipient: reader.email,
      sentAt: message.createdAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
      link: `${env().PUBLIC_URL}/mailbox/sent/${message.id}`,
    },
  });
}
