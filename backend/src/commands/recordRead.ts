import type { Transaction } from "sequelize";
import { Op } from "sequelize";
import type { Message } from "../models/Message.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { Attachment } from "../models/Attachment.js";
import { User } from "../models/User.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { env } from "../env.js";
import { shredMessage } from "../services/messages/shredMessage.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/** How long the last reader of a burn-after-reading message with attachments has to download them. */
export const BURN_GRACE_MS = 10 * 60 * 1000;

/** True when every recipient of a burn-after-reading message has revealed it. */
export async function allRecipientsRead(t: Transaction | null, message: Message): Promise<boolean> {
  const unread = await MessageRecipient.count({
    where: { messageId: message.id, readAt: { [Op.is]: null } },
    transaction: t ?? undefined,
  });
  return unread === 0;
}

export interface RecordReadResult {
  firstRead: boolean;
  burned: boolean;
}

/**
 * Records that a verified recipient has really read a message: called only from the explicit
 * reveal (a POST), never from a GET, so link scanners cannot count as readers. The first read
 * marks the recipient `read`, sends the sender a read receipt (F4) when asked for, and — for
 * burn after reading — destroys the message once every recipient has read it. The caller has
 * already decrypted what it shows this reader.
 */
export async function recordRead(
  t: Transaction,
  message: Message,
  recipient: MessageRecipient,
  audit: { ip?: string; userAgent?: string } = {},
): Promise<RecordReadResult> {
  const now = new Date();
  const firstRead = !recipient.readAt;
  await MailboxEntry.update(
    { unread: false },
    { where: { userId: recipient.userId, messageId: message.id }, transaction: t },
  );
  if (firstRead) {
    recipient.readAt = now;
    recipient.revealedAt = recipient.revealedAt ?? now;
    recipient.openedAt = recipient.openedAt ?? now;
    recipient.status = "read";
    await recipient.save({ transaction: t });
    await recordAudit(t, {
      type: "message.read",
      userId: recipient.userId,
      organisationId: message.organisationId,
      ip: audit.ip,
      userAgent: audit.userAgent,
      data: { messageId: message.id },
    });
    if (message.readReceipt && message.senderId) {
      const [sender, reader] = await Promise.all([
        User.findByPk(message.senderId, { transaction: t }),
        User.findByPk(recipient.userId, { transaction: t }),
      ]);
      if (sender && reader && sender.status === "active") {
        await enqueueEmail(t, {
          to: sender.email,
          template: "read-receipt",
          locale: sender.locale,
          vars: {
            reader: reader.name ? `${reader.name} <${reader.email}>` : reader.email,
            sentAt: message.createdAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
            link: `${env().PUBLIC_URL}/mailbox/sent/${message.id}`,
          },
          reference: `message_recipient:${recipient.id}`,
        });
      }
    }
  }
  let burned = false;
  if (message.burnAfterReading && message.state === "active" && (await allRecipientsRead(t, message))) {
    if ((await Attachment.count({ where: { messageId: message.id }, transaction: t })) === 0) {
      await shredMessage(t, message, "burned");
      burned = true;
    } else {
      // Attachments need a moment to download after the last reveal: the message burns when
      // this grace period ends (the expiry sweeper does it) instead of at once.
      const burnAt = new Date(now.getTime() + BURN_GRACE_MS);
      if (!message.expiresAt || message.expiresAt.getTime() > burnAt.getTime()) {
        message.expiresAt = burnAt;
        await message.save({ transaction: t });
      }
    }
  }
  return { firstRead, burned };
}
