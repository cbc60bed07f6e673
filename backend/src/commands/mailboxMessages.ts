import { transaction } from "../db.js";
import type { AuthState } from "../services/sessions.js";
import type { OptionName } from "../services/messages/orgPolicy.js";
import type { RecipientInput } from "../services/messages/resolveRecipients.js";
import { listMailbox, resolveFolder, unreadCounts, type MailboxPage } from "../services/messages/mailbox.js";
import {
  actAsMailbox,
  assertRight,
  loadMembership,
  mailboxEvents,
  recordMailboxEvent,
  type MailboxEventView,
} from "../services/sharedMailboxes/membership.js";
import { openMessageForReader, revealMessageForReader, type RequestMeta } from "./openMessageForReader.js";
import { openThreadForReader } from "./openThreadForReader.js";
import { submitMessage, type SubmitMessageResult } from "./submitMessage.js";
import { sendIdCheck, type SendIdCheckResult } from "./sendIdCheck.js";
import { verifyIdCheck, type VerifyIdCheckResult } from "./verifyIdCheck.js";
import type { PreEncrypted } from "../services/messages/preEncrypted.js";

/**
 * A member reads and writes as a shared mailbox (F25): each call checks the membership (404 for
 * non-members), unwraps the mailbox key with the member's own key, and runs the ordinary
 * message command as the mailbox's identity. Who read and who answered is recorded per member.
 */

/** One page of a mailbox folder (inbox, sent, …) with its unread counts. */
export async function listMailboxFolder(
  auth: AuthState,
  mailboxId: string,
  folder: string,
  page: { limit: number; offset: number; q?: string },
): Promise<{ folder: string; page: MailboxPage; unread: Record<string, number> }> {
  const membership = await loadMembership(auth.user, mailboxId);
  const acting = await actAsMailbox(auth, membership);
  const ref = await resolveFolder(acting.user, folder);
  const result = await listMailbox(acting.user, ref, page, acting.actingKey ?? null, auth.sessionId);
  return {
    folder: ref.kind === "custom" ? ref.folder.id : ref.kind,
    page: result,
    unread: await unreadCounts(acting.user),
  };
}

async function withEvents<T extends { id: string }>(mailboxId: string, message: T) {
  return { ...message, mailboxEvents: presentEvents(await mailboxEvents(mailboxId, [message.id])) };
}

/** Events as the API shows them. */
export function presentEvents(events: MailboxEventView[]) {
  return events.map((e) => ({
    messageId: e.messageId,
    action: e.action,
    member: e.member,
    at: e.at.toISOString(),
  }));
}

/** GET: a mailbox message, decrypted with the mailbox key; the member's first read is recorded. */
export async function openMailboxMessage(auth: AuthState, mailboxId: string, messageId: string) {
  const membership = await loadMembership(auth.user, mailboxId);
  const acting = await actAsMailbox(auth, membership);
  const message = await openMessageForReader(acting, messageId);
  if (!message.revealRequired) {
    await transaction((t) => recordMailboxEvent(t, mailboxId, messageId, auth.user.id, "read"));
  }
  return withEvents(mailboxId, message);
}

/** POST reveal: as for a person (counts as the mailbox's read); the member's read is recorded. */
export async function revealMailboxMessage(auth: AuthState, mailboxId: string, messageId: string, meta: RequestMeta) {
  const membership = await loadMembership(auth.user, mailboxId);
  const acting = await actAsMailbox(auth, membership);
  const message = await revealMessageForReader(acting, messageId, meta);
  await transaction((t) => recordMailboxEvent(t, mailboxId, messageId, auth.user.id, "read"));
  return withEvents(mailboxId, message);
}

/**
 * ID check (F4) on a mailbox's message: the mailbox has no phone, so the member proves themselves
 * with their own verified primary phone, and their session may then open the message as the mailbox.
 */
export async function sendMailboxIdCheck(
  auth: AuthState,
  mailboxId: string,
  messageId: string,
): Promise<SendIdCheckResult> {
  const membership = await loadMembership(auth.user, mailboxId);
  return transaction((t) => sendIdCheck(t, auth.user, messageId, membership.identity));
}

export async function verifyMailboxIdCheck(
  auth: AuthState,
  mailboxId: string,
  messageId: string,
  code: string,
): Promise<VerifyIdCheckResult> {
  const membership = await loadMembership(auth.user, mailboxId);
  return transaction((t) => verifyIdCheck(t, auth, messageId, code, membership.identity));
}

/** The dialog history as the mailbox, with who read and who answered each message. */
export async function openMailboxThread(auth: AuthState, mailboxId: string, messageId: string) {
  const membership = await loadMembership(auth.user, mailboxId);
  const acting = await actAsMailbox(auth, membership);
  const thread = await openThreadForReader(acting, messageId);
  const events = await mailboxEvents(
    mailboxId,
    thread.messages.map((m) => m.id),
  );
  return {
    threadId: thread.threadId,
    messages: thread.messages.map((m) => ({
      ...m,
      mailboxEvents: presentEvents(events.filter((e) => e.messageId === m.id)),
    })),
  };
}

export interface SendAsMailboxProps {
  to: RecipientInput[];
  subject: string;
  text: string | null;
  html: string | null;
  options: Partial<Record<OptionName, boolean>> & { expiresAt: Date | null };
  replyTo: string | null;
  /**
   * The add-in's pre-encrypted form (Outlook, From = the mailbox): sealed in the browser to the
   * mailbox's current key and the recipients' keys; no member key is needed on the server.
   */
  encrypted?: PreEncrypted | null;
  /** With `encrypted`: the caller's own pre-encrypted draft holding the uploaded attachments. */
  draftId?: string | null;
  signatureVersion?: number | null;
  /** The Outlook item is the recipients' one notification (issue 12): nobody is e-mailed. */
  paneSendsNotification?: boolean;
  meta: RequestMeta;
}

/**
 * Sends as the mailbox: a reply needs `read` (every member), a new message `send` (403
 * `mailbox_right_missing` without). The message's sender is the mailbox; the member is recorded.
 */
export async function sendAsMailbox(
  auth: AuthState,
  mailboxId: string,
  props: SendAsMailboxProps,
): Promise<SubmitMessageResult> {
  const membership = await loadMembership(auth.user, mailboxId);
  assertRight(membership, props.replyTo ? "read" : "send");
  // Pre-encrypted: everything is sealed already, so the mailbox key is not unwrapped (a key-less
  // add-in token may send as the mailbox).
  const acting = props.encrypted
    ? { ...auth, user: membership.identity, actingKey: null }
    : await actAsMailbox(auth, membership);
  const result = await submitMessage({
    auth: acting,
    to: props.to,
    subject: props.subject,
    text: props.text,
    html: props.html,
    options: props.options,
    draftId: props.encrypted ? (props.draftId ?? null) : null,
    encrypted: props.encrypted ?? null,
    signatureVersion: props.signatureVersion ?? null,
    draftOwner: auth.user,
    paneSendsNotification: props.paneSendsNotification ?? false,
    replyTo: props.replyTo,
    meta: props.meta,
  });
  if (result.kind === "sent") {
    const action = props.replyTo ? "replied" : "sent";
    await transaction((t) => recordMailboxEvent(t, mailboxId, result.message.id, auth.user.id, action));
  }
  return result;
}
