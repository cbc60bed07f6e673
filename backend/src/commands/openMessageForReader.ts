import { transaction } from "../db.js";
import type { AuthState } from "../services/sessions.js";
import { User } from "../models/User.js";
import { MailboxEntry } from "../models/MailboxEntry.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { mayListAllRecipients } from "../policies/messages.js";
import { authorizeMessageReader, type MessageAccess } from "../services/messages/messageAccess.js";
import { presentMessage } from "../presenters/message.js";
import {
  assertReadable,
  decryptMessage,
  KeysLockedError,
  MessageGoneError,
  requestPrivateKey,
} from "../services/messages/readMessage.js";
import { openContentKey } from "../services/messages/contentCrypto.js";
import type { MessageContent } from "../services/messages/content.js";
import { assertIdChecked } from "../services/messages/idCheck.js";
import { recordRead } from "./recordRead.js";
import { appError } from "../errors.js";
import { presentOptions, presentPerson } from "../presenters/message.js";

/** Who asked, for the audit log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

async function visibleRecipients(access: MessageAccess) {
  const { message } = access;
  const rows = mayListAllRecipients(access)
    ? await MessageRecipient.findAll({ where: { messageId: message.id }, order: [["createdAt", "ASC"]] })
    : access.recipient
      ? [access.recipient]
      : [];
  const ids = [...new Set([...(message.senderId ? [message.senderId] : []), ...rows.map((r) => r.userId)])];
  const users = new Map((await User.findAll({ where: { id: ids } })).map((u) => [u.id, u]));
  return {
    sender: message.senderId ? (users.get(message.senderId) ?? null) : null,
    recipients: rows.flatMap((row) => {
      const u = users.get(row.userId);
      return u ? [{ row, user: u }] : [];
    }),
  };
}

/** The reveal response is the last time a burn-after-reading body is served to a recipient. */
function assertNotRevealedBurn(access: MessageAccess): void {
  if (access.recipient && access.message.burnAfterReading && access.recipient.readAt) {
    throw MessageGoneError("burned");
  }
}

async function decryptWithKey(auth: AuthState, access: MessageAccess) {
  assertReadable(access.message);
  assertNotRevealedBurn(access);
  await assertIdChecked(auth, access.message, access.recipient);
  // Burn after reading is revealed (and counted) only in the web mailbox: a bearer token that
  // carries a key answers for an unrevealed one exactly as a key-less token does.
  if (auth.via === "token" && access.recipient && access.message.burnAfterReading && !access.recipient.readAt)
    throw KeysLockedError();
  const privateKey = await requestPrivateKey(auth);
  if (!privateKey) throw KeysLockedError();
  return {
    content: await decryptMessage(access.message, auth.user.id, access.envelope.jwe, privateKey),
    privateKey,
  };
}

async function decryptFor(auth: AuthState, access: MessageAccess): Promise<MessageContent> {
  return (await decryptWithKey(auth, access)).content;
}

/**
 * GET: decrypts a message for one of its readers with the key unlocked in their session and
 * presents it with only the recipients they may see. Opening is not reading: the recipient's
 * status becomes `opened`; a burn-after-reading message's content is withheld until reveal.
 */
export async function openMessageForReader(auth: AuthState, messageId: string) {
  const access = await authorizeMessageReader(auth.user, messageId);
  const content = await decryptFor(auth, access);
  const recipient = access.recipient;
  // A registered reader may open it from their inbox although the notification was not delivered.
  const beforeOpened = ["queued", "notified", "not_delivered"] as const;
  if (recipient && (beforeOpened as readonly string[]).includes(recipient.status)) {
    const now = new Date();
    await MessageRecipient.update(
      { status: "opened", openedAt: recipient.openedAt ?? now },
      { where: { id: recipient.id, status: [...beforeOpened] } },
    );
    recipient.status = "opened";
  }
  await MailboxEntry.update({ unread: false }, { where: { userId: auth.user.id, messageId, unread: true } });
  const withheld = !!recipient && access.message.burnAfterReading && !recipient.readAt;
  return presentMessage({
    message: access.message,
    content: withheld ? { ...content, bodyText: "", bodyHtml: null, attachments: [] } : content,
    ...(await visibleRecipients(access)),
    viewerIsSender: access.isSender,
    revealRequired: withheld,
  });
}

/**
 * POST reveal: the recipient explicitly shows the message. Only this counts as a read (a link
 * scanner's GET never does): first read, read receipt, and burn after reading once every
 * recipient has read — the content is decrypted before it is destroyed and returned this once.
 * A burn-after-reading message is revealed once per recipient (then 410 message_burned).
 */
export async function revealMessageForReader(auth: AuthState, messageId: string, meta: RequestMeta) {
  const access = await authorizeMessageReader(auth.user, messageId);
  const { content, privateKey } = await decryptWithKey(auth, access);
  const people = await visibleRecipients(access);
  if (access.recipient) {
    const recipient = access.recipient;
    const burn = access.message.burnAfterReading;
    const cek = burn ? await openContentKey(access.envelope.jwe, privateKey) : null;
    try {
      const result = await transaction((t) =>
        recordRead(
          t,
          access.message,
          recipient,
          { ip: meta.ip ?? undefined, userAgent: meta.userAgent ?? undefined },
          cek ? { cek, attachments: content.attachments } : undefined,
        ),
      );
      // A concurrent reveal of the same burn-after-reading message got there first.
      if (burn && !result.firstRead) throw MessageGoneError("burned");
    } finally {
      cek?.fill(0);
    }
  } else {
    await MailboxEntry.update({ unread: false }, { where: { userId: auth.user.id, messageId, unread: true } });
  }
  return presentMessage({
    message: access.message,
    content,
    ...people,
    viewerIsSender: access.isSender,
    revealRequired: false,
  });
}

/**
 * The stored form for clients that decrypt themselves (the Outlook add-in, F7): the content JWE
 * and the caller's own key envelope, never anyone else's. The same access rules apply (404,
 * 410, ID check). Burn-after-reading messages open only through the web mailbox's reveal, so
 * that every read is counted.
 */
export async function encryptedMessageForReader(auth: AuthState, messageId: string) {
  const access = await authorizeMessageReader(auth.user, messageId);
  assertReadable(access.message);
  assertNotRevealedBurn(access);
  await assertIdChecked(auth, access.message, access.recipient);
  if (access.recipient && access.message.burnAfterReading && !access.recipient.readAt) {
    throw appError("reveal_in_web", "This message is destroyed after reading; open it in the web mailbox");
  }
  const people = await visibleRecipients(access);
  const m = access.message;
  return {
    id: m.id,
    threadId: m.threadId,
    parentId: m.parentId,
    formatVersion: m.formatVersion,
    content: m.content!,
    envelope: access.envelope.jwe,
    sender: people.sender ? presentPerson(people.sender) : null,
    recipients: people.recipients.map(({ row, user }) => ({
      ...presentPerson(user),
      ...(access.isSender ? { status: row.status, readAt: row.readAt ? row.readAt.toISOString() : null } : {}),
    })),
    options: presentOptions(m),
    createdAt: m.createdAt.toISOString(),
  };
}
