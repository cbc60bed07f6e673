import type { User } from "../models/User.js";
import type { SharedMailbox } from "../models/SharedMailbox.js";
import type { MailboxRight, SharedMailboxMember } from "../models/SharedMailboxMember.js";

/**
 * Shared mailboxes (F25). Members act as the mailbox by their rights: `read` (read and reply —
 * every member's baseline), `send` (start new messages as the mailbox), `manage` (add, change
 * and remove members). Anyone who is not a member gets 404 for the mailbox and its messages.
 */
export function memberHas(member: Pick<SharedMailboxMember, "canRead" | "canSend" | "canManage">, right: MailboxRight) {
  if (right === "read") return member.canRead;
  if (right === "send") return member.canSend;
  return member.canManage;
}

/**
 * Who may become a member: an active admin or staff member of the mailbox's organisation
 * (never a recipient, another organisation's user or another mailbox).
 */
export function mayBeMailboxMember(
  mailbox: Pick<SharedMailbox, "organisationId">,
  user: Pick<User, "organisationId" | "role" | "status"> | null,
): boolean {
  return (
    !!user &&
    user.organisationId === mailbox.organisationId &&
    (user.role === "admin" || user.role === "staff") &&
    user.status === "active"
  );
}

/** An admin of the mailbox's organisation manages its members without being one. */
export function adminOfMailbox(
  user: Pick<User, "role" | "organisationId">,
  mailbox: Pick<SharedMailbox, "organisationId">,
) {
  return user.role === "admin" && !!user.organisationId && user.organisationId === mailbox.organisationId;
}
