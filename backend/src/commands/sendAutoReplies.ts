import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import type { Message } from "../models/Message.js";
import type { User } from "../models/User.js";
import { UserSettings } from "../models/UserSettings.js";
import { AutoReplyLog } from "../models/AutoReplyLog.js";
import { sendMessage } from "./sendMessage.js";

/** True when `s` has an absence auto-reply in force at `now`. */
export function autoReplyActive(s: UserSettings | null, now: Date): s is UserSettings {
  if (!s?.autoReplyEnabled || !s.autoReplyText?.trim()) return false;
  if (s.autoReplyFrom && s.autoReplyFrom.getTime() > now.getTime()) return false;
  if (s.autoReplyTo && s.autoReplyTo.getTime() < now.getTime()) return false;
  return true;
}

/** Identifies one absence: the same settings give the same period, a new absence a new one. */
function periodKey(s: UserSettings): string {
  return crypto
    .createHash("sha256")
    .update(
      `${s.autoReplyFrom?.toISOString() ?? ""}|${s.autoReplyTo?.toISOString() ?? ""}|${s.updatedAt.toISOString()}`,
    )
    .digest("hex");
}

/**
 * F14: each recipient of `message` whose absence auto-reply is on answers its sender with a
 * secure message in the same thread — once per sender per absence period. Auto-replies are sent
 * with sendMessage directly and never trigger auto-replies themselves (no loops).
 */
export async function sendAutoReplies(
  t: Transaction,
  message: Message,
  sender: User,
  recipients: User[],
  now = new Date(),
): Promise<number> {
  let sent = 0;
  for (const recipient of recipients) {
    if (recipient.id === sender.id || recipient.status !== "active") continue;
    const settings = await UserSettings.findByPk(recipient.id, { transaction: t });
    if (!autoReplyActive(settings, now)) continue;
    const period = periodKey(settings);
    const already = await AutoReplyLog.findOne({
      where: { userId: recipient.id, senderId: sender.id, period },
      transaction: t,
    });
    if (already) continue;
    const subject = recipient.locale === "en" ? "Automatic reply" : "Automatiskt svar";
    const { message: reply } = await sendMessage(t, {
      sender: recipient,
      to: [{ email: sender.email }],
      subject,
      text: settings.autoReplyText!,
      html: null,
      parent: message,
      options: {
        idCheck: false,
        burnAfterReading: false,
        eyesOnly: false,
        readReceipt: false,
        notify: true,
        hideRecipients: true,
        expiresAt: message.expiresAt,
      },
    });
    await AutoReplyLog.create(
      { userId: recipient.id, senderId: sender.id, period, messageId: reply.id },
      { transaction: t },
    );
    sent += 1;
  }
  return sent;
}
