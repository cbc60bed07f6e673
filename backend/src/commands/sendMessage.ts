import crypto from "node:crypto";
import { Op, type Transaction } from "sequelize";
import { env } from "../env.js";
import type { User } from "../models/User.js";
import { Message } from "../models/Message.js";
import { notifyMailboxMembers } from "../services/sharedMailboxes/notifyMembers.js";
import { KeyEnvelope } from "../models/KeyEnvelope.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { Organisation } from "../models/Organisation.js";
import { UserSettings } from "../models/UserSettings.js";
import { enqueueEmails } from "../outbox/enqueue.js";
import { loadBranding } from "../services/notificationTexts/texts.js";
import { notificationEmail, notificationLocale } from "../services/notificationTexts/render.js";
import { appError } from "../errors.js";
import { userPublicKey } from "../services/keys/userKeys.js";
import {
  sealMessage,
  sealMessageWithKey,
  FORMAT_VERSION,
  type SealedMessage,
} from "../services/messages/contentCrypto.js";
import { checkPreEncrypted, type PreEncrypted } from "../services/messages/preEncrypted.js";
import { newLinkToken } from "../services/messages/linkTokens.js";
import { assertMaySend } from "../services/messages/plans.js";
import {
  resolveRecipients,
  type RecipientInput,
  type ResolvedRecipient,
} from "../services/messages/resolveRecipients.js";
import type { MessageContent, MessageOptions } from "../services/messages/content.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { indexForReaders } from "../services/search/index.js";
import type { SendDraft } from "../services/messages/sendDraft.js";
export type { SendDraft };

/** A link without an expiry date on its message still stops working after this long. */
export const LINK_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

export interface SendMessageProps {
  sender: User;
  to: RecipientInput[];
  subject: string;
  text: string | null;
  html: string | null;
  options: MessageOptions;
  /** The message this one answers (thread); the caller has checked that the sender may read it. */
  parent?: Message | null;
  /**
   * A draft with attachments (from takeDraftForSend): the message keeps the draft's id, thread
   * and content key, and its attachment list goes into the content.
   */
  draft?: SendDraft | null;
  /** The add-in's pre-encrypted form: content JWE and one envelope per reader; the server never sees plaintext. */
  encrypted?: PreEncrypted | null;
  /**
   * The add-in sends the Outlook item itself as the one notification (issue 12): no e-mail from
   * the backend to the recipients; the message gets a shared link (/m/{token}) for the item.
   */
  paneSendsNotification?: boolean;
  /** A member sending as a shared mailbox: not notified of their own message. */
  actingMemberId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface SentRecipient {
  recipient: MessageRecipient;
  resolved: ResolvedRecipient;
}

export interface SendMessageResult {
  message: Message;
  recipients: SentRecipient[];
  /** The shared link token (only its hash is stored) when the pane sends the notification. */
  sharedToken: string | null;
}

/**
 * The recipients (by user id) whose notification may show the subject: the sender's
 * organisation allows it and the recipient did not ask for neutral notifications.
 */
async function subjectAllowedFor(t: Transaction, org: Organisation | null, recipients: User[]): Promise<Set<string>> {
  if (!org || recipients.length === 0) return new Set();
  if (org.policy.subjectInNotifications !== true) return new Set();
  const neutral = await UserSettings.findAll({
    where: { userId: { [Op.in]: recipients.map((r) => r.id) }, neutralNotifications: true },
    transaction: t,
    attributes: ["userId"],
  });
  const skip = new Set(neutral.map((s) => s.userId));
  return new Set(recipients.map((r) => r.id).filter((id) => !skip.has(id)));
}

/**
 * Sends a secure message from the plaintext form: encrypts the content once under a fresh
 * content key, wraps the key for every reader (sender included), writes recipients with
 * hashed link tokens, mailbox entries, and the notification e-mails through the outbox —
 * all in `t`. The plaintext never reaches the database (S1) or the logs (S6).
 */
export async function sendMessage(t: Transaction, props: SendMessageProps): Promise<SendMessageResult> {
  const { sender, options } = props;
  // Read once here for the plan, the subject rule and the notification branding.
  const org = sender.organisationId
    ? await Organisation.findByPk(sender.organisationId, {
        transaction: t,
        attributes: ["id", "plan", "policy", "name"],
      })
    : null;
  await assertMaySend(t, sender, !!props.parent, { organisation: org });
  const now = new Date();
  if (options.expiresAt && options.expiresAt.getTime() <= now.getTime()) {
    throw appError("invalid_expiry", "The expiry date must be in the future");
  }
  const resolved = (
    await resolveRecipients(t, sender, props.to, { mayCreatePending: !props.parent, ip: props.ip })
  ).filter((r) => r.user.id !== sender.id);
  if (resolved.length === 0) throw appError("no_recipients", "Add at least one recipient other than yourself");

  const senderKey = await userPublicKey(sender);
  if (!senderKey) throw new Error("sender has no key pair");
  const messageId = props.draft?.message.id ?? crypto.randomUUID();
  const readers = [
    { userId: sender.id, publicKey: senderKey },
    ...resolved.map((r) => ({ userId: r.user.id, publicKey: r.publicKey })),
  ];
  let sealed: SealedMessage;
  if (props.encrypted) {
    sealed = checkPreEncrypted(props.encrypted, readers);
  } else {
    const content: MessageContent = {
      v: 1,
      subject: props.subject,
      bodyText: props.text ?? "",
      bodyHtml: props.html,
      attachments: props.draft?.attachments ?? [],
      options: {
        expiresAt: options.expiresAt ? options.expiresAt.toISOString() : null,
        readReceipt: options.readReceipt,
        eyesOnly: options.eyesOnly,
      },
    };
    if (props.draft && !props.draft.cek) throw new Error("a plaintext send of a draft needs its content key");
    sealed = props.draft?.cek
      ? await sealMessageWithKey(content, props.draft.cek, readers)
      : await sealMessage(content, readers);
  }

  const shared = props.paneSendsNotification ? newLinkToken() : null;
  const fields = {
    sharedTokenHash: shared?.hash ?? null,
    senderId: sender.id,
    organisationId: sender.organisationId,
    state: "active" as const,
    formatVersion: FORMAT_VERSION,
    content: sealed.content,
    expiresAt: options.expiresAt,
    idCheck: options.idCheck,
    burnAfterReading: options.burnAfterReading,
    eyesOnly: options.eyesOnly,
    readReceipt: options.readReceipt,
    notify: options.notify,
    hideRecipients: options.hideRecipients,
  };
  let message: Message;
  if (props.draft) {
    message = props.draft.message;
    await message.update(fields, { transaction: t });
  } else {
    message = await Message.create(
      { id: messageId, threadId: props.parent?.threadId ?? messageId, parentId: props.parent?.id ?? null, ...fields },
      { transaction: t },
    );
  }
  await KeyEnvelope.bulkCreate(
    sealed.envelopes.map((e) => ({ messageId, userId: e.userId, jwe: e.jwe })),
    { transaction: t },
  );
  await MailboxEntry.bulkCreate(
    [
      { userId: sender.id, messageId, folder: "sent" as const, unread: false },
      ...resolved.map((r) => ({ userId: r.user.id, messageId, folder: "inbox" as const, unread: true })),
    ],
    { transaction: t },
  );

  // One insert per table for all recipients (rows, link tokens, notifications), not one per recipient.
  const tokenExpiresAt = options.expiresAt ?? new Date(now.getTime() + LINK_LIFETIME_MS);
  // The Outlook item (sent by the pane) is the notification when the pane says so.
  const notifyByEmail = options.notify && !shared;
  const notified = options.notify || !!shared;
  const links = resolved.map(() => newLinkToken());
  const recipients = await MessageRecipient.bulkCreate(
    resolved.map((r, i) => ({
      messageId,
      userId: r.user.id,
      status: notified ? ("notified" as const) : ("queued" as const),
      mobile: r.mobile,
      tokenHash: links[i].hash,
      tokenExpiresAt,
      notifiedAt: notified ? now : null,
    })),
    { transaction: t },
  );
  if (notifyByEmail) {
    const showSubject = await subjectAllowedFor(
      t,
      org,
      resolved.map((r) => r.user),
    );
    // The sender's organisation's notification texts and logo, in each recipient's language.
    const branding = await loadBranding(sender.organisationId, t, org);
    await enqueueEmails(
      t,
      resolved.map((r, i) => ({
        to: r.user.email,
        locale: r.user.locale,
        ...notificationEmail(branding, notificationLocale(r.user.locale), {
          subject: showSubject.has(r.user.id) && !props.encrypted ? props.subject : "",
          senderName: sender.name ?? "",
          link: `${env().PUBLIC_URL}/r/${links[i].token}`,
          expiresAt: options.expiresAt ? options.expiresAt.toISOString().slice(0, 10) : "",
        }),
        reference: `message_recipient:${recipients[i].id}`,
      })),
    );
  }
  // Shared mailboxes among the recipients: their members get a neutral notice (issue 11).
  await notifyMailboxMembers(
    t,
    resolved.filter((r) => r.user.role === "mailbox").map((r) => r.user),
    props.actingMemberId ?? null,
  );
  const sent: SentRecipient[] = resolved.map((r, i) => ({ recipient: recipients[i], resolved: r }));
  const senderLabel = [sender.name, sender.email].filter((v): v is string => !!v);
  const searchable = { subject: props.subject, text: props.text, html: props.html };
  await indexForReaders(
    t,
    messageId,
    [
      { userId: sender.id, content: { ...searchable, people: resolved.map((r) => r.user.email) } },
      ...resolved.map((r) => ({ userId: r.user.id, content: { ...searchable, people: senderLabel } })),
    ],
    { newMessage: !props.draft },
  );
  await recordAudit(t, {
    type: props.parent ? "message.replied" : "message.sent",
    userId: sender.id,
    organisationId: sender.organisationId,
    ip: props.ip ?? null,
    userAgent: props.userAgent ?? null,
    data: { messageId, recipients: resolved.length },
  });
  return { message, recipients: sent, sharedToken: shared?.token ?? null };
}
