import type { MailboxItem } from "../services/messages/mailbox.js";
import { presentOptions, presentPerson } from "./message.js";

/** One row of a mailbox list. The subject is null when the content cannot be decrypted here. */
export function presentMailboxItem(item: MailboxItem) {
  const { entry, message, content } = item;
  return {
    id: message.id,
    threadId: message.threadId,
    folder: entry.folder === "custom" ? entry.folderId : entry.folder,
    unread: entry.unread,
    state: message.state,
    sender: item.sender ? presentPerson(item.sender) : null,
    subject: content ? content.subject : null,
    hasAttachments: content ? content.attachments.length > 0 : null,
    recipients: item.recipients.map(({ row, user }) => ({ ...presentPerson(user), status: row.status })),
    options: presentOptions(message),
    createdAt: message.createdAt.toISOString(),
  };
}
