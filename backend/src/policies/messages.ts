import type { User } from "../models/User.js";
import type { Message } from "../models/Message.js";
import type { KeyEnvelope } from "../models/KeyEnvelope.js";
import type { MessageRecipient } from "../models/MessageRecipient.js";

/** How the caller relates to a message they may read. */
export interface MessageAccess {
  message: Message;
  envelope: KeyEnvelope;
  isSender: boolean;
  /** The caller's recipient row (null for the sender of a message they did not address to themselves). */
  recipient: MessageRecipient | null;
}

/** The rows that decide whether a user reads a message, as loaded for them (null where there is none). */
export interface LoadedMessageAccess {
  message: Message | null;
  envelope: KeyEnvelope | null;
  recipient: MessageRecipient | null;
}

/**
 * A reader is a user holding a key envelope for the message: its sender and its recipients,
 * until they delete it for good (the envelope goes with it). A draft is its sender's only.
 * Returns the access, or null for everyone else — who gets the same 404 as for a message that
 * does not exist (S4), so ids reveal nothing.
 */
export function messageReaderAccess(user: User, loaded: LoadedMessageAccess): MessageAccess | null {
  const { message, envelope, recipient } = loaded;
  if (!message || !envelope) return null;
  const isSender = message.senderId === user.id;
  if (message.state === "draft" && !isSender) return null;
  if (!isSender && !recipient) return null;
  return { message, envelope, isSender, recipient };
}

/**
 * A burned message's former readers (its sender and recipients, whose key envelopes went with
 * the content) learn that it is burned (410 message_burned) instead of the 404 everyone else
 * gets, so ids still reveal nothing to outsiders.
 */
export function mayLearnMessageBurned(
  user: User,
  message: Message | null,
  recipient: MessageRecipient | null,
): boolean {
  if (!message || message.state !== "burned") return false;
  return message.senderId === user.id || (!!recipient && recipient.messageId === message.id);
}

/**
 * Burn after reading with attachments: the body is destroyed at the last reveal, and for a
 * short grace period (until `expiresAt`) only a recipient who revealed the message may still
 * download its attachments. Nobody else, and nothing after the grace period.
 */
export function mayDownloadInBurnGrace(access: Pick<MessageAccess, "message" | "recipient">, now: Date): boolean {
  const { message, recipient } = access;
  return (
    message.state === "burned" &&
    !message.shreddedAt &&
    !!message.expiresAt &&
    message.expiresAt.getTime() > now.getTime() &&
    !!recipient?.readAt
  );
}

/** Only the sender sees every recipient and their delivery status, unless recipients are hidden. */
export function mayListAllRecipients(access: Pick<MessageAccess, "isSender" | "message">): boolean {
  return access.isSender || !access.message.hideRecipients;
}

/** A draft is changed (attachments, uploads, send) only by its sender. */
export function isOwnDraft(user: User, message: Message): boolean {
  return message.senderId === user.id;
}

/**
 * The add-in's neutral notification of a sent message is for its sender only — or, when a
 * shared mailbox sent it, for the mailbox's members (`mailboxMember`: the caller is a member of
 * the mailbox that is the message's sender).
 */
export function mayGetSenderNotification(
  user: User,
  message: Message | null,
  mailboxMember = false,
): message is Message {
  return !!message && (message.senderId === user.id || mailboxMember) && message.state !== "draft";
}
