import type { Transaction } from "sequelize";
import { normaliseEmail } from "../models/User.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { Message } from "../models/Message.js";
import { issueSmsCode } from "../services/smsCodes.js";
import {
  EmailMismatchError,
  resolveRecipientLink,
  recipientCodePurpose,
  type LinkRef,
} from "../services/messages/recipientLink.js";
import { maskPhone } from "../services/phones.js";
import { codeCheckBlock } from "../services/messages/recipientCodeLimits.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type StartResult =
  { next: "sign_in" } | { next: "sms_code"; mobile: string | null } | { next: "wait"; retryAfterSeconds: number };

export { EmailMismatchError };

/**
 * Step 1 of opening a link (F9): the visitor confirms the address the message was sent to.
 * Account holders are sent to sign in; a first-time recipient gets an SMS code on the number
 * the sender gave (calling again resends; the route rate-limits). While the link's daily cap on
 * wrong codes is used up no code is sent (`wait`).
 */
export async function startRecipientVerification(
  t: Transaction,
  token: LinkRef,
  email: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<StartResult> {
  const { recipient, user } = await resolveRecipientLink(token, t);
  if (normaliseEmail(email) !== user.email) throw EmailMismatchError();
  if (recipient.status === "queued" || recipient.status === "notified") {
    await MessageRecipient.update(
      { status: "opened", openedAt: new Date() },
      { where: { id: recipient.id, status: ["queued", "notified"] }, transaction: t },
    );
  }
  if (user.status !== "pending") return { next: "sign_in" };
  const block = codeCheckBlock(recipient);
  if (block?.reason === "too_many_today") return { next: "wait", retryAfterSeconds: block.retryAfterSeconds };
  const mobile = recipient.mobile ?? user.mobile;
  const message = await Message.findByPk(recipient.messageId, { attributes: ["id", "organisationId"], transaction: t });
  await issueSmsCode(t, user, recipientCodePurpose(recipient), mobile ?? undefined, {
    organisationId: message?.organisationId ?? null,
    kind: "recipientCode",
  });
  await recordAudit(t, {
    type: "recipient.code_sent",
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { messageId: recipient.messageId },
  });
  return { next: "sms_code", mobile: maskPhone(mobile) };
}
