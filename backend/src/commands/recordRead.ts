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
import { KeyEnvelope } from "../models/KeyEnvelope.js";
import { sealAttachmentInfo } from "../services/attachments/meta.js";
import type { AttachmentInfo } from "../services/messages/content.js";
import { dropIndex } from "../services/search/index.js";
import { clock } from "../services/clock.js";

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

/** What the reveal decrypted: lets the attachments outlive the body for the grace period. */
export interface RevealedContent {
  cek: Buffer;
  attachments: AttachmentInfo[];
}

/**
 * The last reveal of a burn-after-reading message with attachments: the body goes now (content
 * JWE, search index, every key envelope but those of the recipients, who all revealed) and the
 * message is `burned`; each attachment's name, type and size are sealed on its row under the
 * message key so that the recipients can still download it until `expiresAt` (the grace
 * period). The expiry sweeper then shreds the rest (attachments, envelopes, blobs).
 */
async function burnBodyKeepAttachments(
  t: Transaction,
  message: Message,
  now: Date,
  revealed: RevealedContent | undefined,
): Promise<void> {
  const rows = await Attachment.findAll({ where: { messageId: message.id }, transaction: t });
  for (const row of rows) {
    const info = revealed?.attachments.find((a) => a.id === row.id);
    if (info && revealed) {
      row.meta = sealAttachmentInfo(revealed.cek, message.id, info);
      await row.save({ transaction: t });
    }
  }
  const readers = await MessageRecipient.findAll({ where: { messageId: message.id }, transaction: t });
  await KeyEnvelope.destroy({
    where: { messageId: message.id, userId: { [Op.notIn]: readers.map((r) => r.userId) } },
    transaction: t,
  });
  await dropIndex(t, [message.id]);
  const burnAt = new Date(now.getTime() + BURN_GRACE_MS);
  message.content = null;
  message.state = "burned";
  if (!message.expiresAt || message.expiresAt.getTime() > burnAt.getTime()) message.expiresAt = burnAt;
  await message.save({ transaction: t });
}

/**
 * Records that a verified recipient has really read a message: called only from the explicit
 * reveal (a POST), never from a GET, so link scanners cannot count as readers. The first read
 * marks the recipient `read`, sends the sender a read receipt (F4) when asked for, and — for
 * burn after reading — destroys the message once every recipient has read it. The caller has
 * already decrypted what it shows this reader. A burn-after-reading message is revealed once
 * per recipient: a second (or concurrent) reveal finds `readAt` set and gets `firstRead: false`,
 * which the caller must refuse. With attachments the body goes at the last reveal and the
 * attachments stay for `BURN_GRACE_MS` (see `burnBodyKeepAttachments`; `revealed` carries the
 * message key and the attachment metadata the reveal decrypted).
 */
export async function recordRead(
  t: Transaction,
  message: Message,
  recipient: MessageRecipient,
  audit: { ip?: string; userAgent?: string } = {},
  revealed?: RevealedContent,
): Promise<RecordReadResult> {
  const now = clock.now();
  await MailboxEntry.update(
    { unread: false },
    { where: { userId: recipient.userId, messageId: message.id }, transaction: t },
  );
  // Claimed with a conditional update, so that two concurrent reveals cannot both be the first.
  const [claimed] = recipient.readAt
    ? [0]
    : await MessageRecipient.update(
        {
          readAt: now,
          revealedAt: recipient.revealedAt ?? now,
          openedAt: recipient.openedAt ?? now,
          status: "read",
        },
        { where: { id: recipient.id, readAt: { [Op.is]: null } }, transaction: t },
      );
  const firstRead = claimed === 1;
  if (firstRead) {
    recipient.readAt = now;
    recipient.revealedAt = recipient.revealedAt ?? now;
    recipient.openedAt = recipient.openedAt ?? now;
    recipient.status = "read";
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
  // The reveal was the last time this recipient sees a burn-after-reading body: their search
  // terms for it go now, not only when the whole message burns.
  if (firstRead && message.burnAfterReading) await dropIndex(t, [message.id], recipient.userId);
  let burned = false;
  if (message.burnAfterReading && message.state === "active" && (await allRecipientsRead(t, message))) {
    if ((await Attachment.count({ where: { messageId: message.id }, transaction: t })) === 0) {
      await shredMessage(t, message, "burned");
      burned = true;
    } else {
      // Attachments need a moment to download after the last reveal: the body burns now, the
      // attachments when this grace period ends (the expiry sweeper does it).
      await burnBodyKeepAttachments(t, message, now, revealed);
      burned = true;
    }
  }
  return { firstRead, burned };
}
