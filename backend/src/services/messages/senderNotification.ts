import { env } from "../../env.js";
import type { Message } from "../../models/Message.js";
import type { User } from "../../models/User.js";
import { renderEmail } from "../templates.js";
import { loadBranding, notificationBranding } from "../notificationTexts/texts.js";

export interface SenderNotification {
  subject: string;
  html: string;
  /** The message in the secure web mailbox, or its shared link (/m/{token}). */
  link: string;
}

/**
 * The neutral notification the add-in turns the Outlook item into after Send securely (F1):
 * the backend's own notification template (no subject, no content) with a link to the message.
 * The caller has checked that `sender` sent `message` (policies/messages.ts). With the shared
 * token (the pane sends the item itself, issue 12) the link is /m/{token}, which works for every
 * recipient after they identify themselves; otherwise the sender's web mailbox copy.
 * The organisation's introduction and footer apply; its logo does not (the item is sent from
 * Outlook, where no inline attachment of ours can go with it) and neither does its sender name.
 */
export async function senderNotification(
  sender: User,
  message: Message,
  locale: "sv" | "en",
  opts: { sharedToken?: string } = {},
): Promise<SenderNotification> {
  const link = opts.sharedToken
    ? `${env().PUBLIC_URL}/m/${opts.sharedToken}`
    : `${env().PUBLIC_URL}/mailbox/inbox/${message.id}`;
  const branding = await loadBranding(sender.organisationId);
  const branded = notificationBranding(branding, locale, sender.name ?? "", { inlineLogo: false });
  const rendered = renderEmail("notification", locale, {
    subject: "",
    senderName: sender.name ?? "",
    link,
    expiresAt: message.expiresAt ? message.expiresAt.toISOString().slice(0, 10) : "",
    ...branded.vars,
  });
  return { subject: rendered.subject, html: rendered.html, link };
}
