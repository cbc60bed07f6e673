import type { Transaction } from "sequelize";
import { env } from "../env.js";
import { normaliseEmail, User } from "../models/User.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { resolveRecipientLink, type LinkRef } from "../services/messages/recipientLink.js";
import { EmailMismatchError } from "./startRecipientVerification.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/**
 * "Notify the sender" (F9): a first-time recipient says the SMS code went to a number that is
 * not theirs. The report is audited and the sender gets an e-mail through the outbox (no
 * message content, no number). The route limits it to one report per link and day.
 */
/** Throws unless `email` is the address the link was sent to (checked before the daily limit is spent). */
export async function assertLinkEmail(token: LinkRef, email: string): Promise<void> {
  const { user } = await resolveRecipientLink(token);
  if (normaliseEmail(email) !== user.email) throw EmailMismatchError();
}

export async function reportWrongNumber(
  t: Transaction,
  token: LinkRef,
  email: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<void> {
  const { recipient, message, user } = await resolveRecipientLink(token, t);
  if (normaliseEmail(email) !== user.email) throw EmailMismatchError();
  await recordAudit(t, {
    type: "recipient.wrong_number",
    userId: user.id,
    actorId: null,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { messageId: message.id },
  });
  const sender = message.senderId ? await User.findByPk(message.senderId, { transaction: t }) : null;
  if (!sender || sender.status !== "active") return;
  await enqueueEmail(t, {
    to: sender.email,
    template: "wrong-number",
    locale: sender.locale,
    vars: {
      recipient: user.email,
      sentAt: message.createdAt.toISOString().slice(0, 16).replace("T", " ") + " UTC",
      link: `${env().PUBLIC_URL}/mailbox/sent/${message.id}`,
    },
    reference: `message_recipient:${recipient.id}`,
  });
}
