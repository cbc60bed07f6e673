import { Op } from "sequelize";
import type { AuthState } from "../services/sessions.js";
import { KeyEnvelope } from "../models/KeyEnvelope.js";
import { Message } from "../models/Message.js";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { User } from "../models/User.js";
import { authorizeMessageReader } from "../services/messages/messageAccess.js";
import { presentMessage } from "../presenters/message.js";
import { decryptMessage, KeysLockedError, requestPrivateKey } from "../services/messages/readMessage.js";
import type { MessageContent } from "../services/messages/content.js";
import { idCheckPending } from "../services/messages/idCheck.js";
import { clock } from "../services/clock.js";

/** Threads longer than this are cut to their newest messages. */
export const THREAD_LIMIT = 200;

/**
 * The dialog history (F10): every message of `messageId`'s thread that the caller can read,
 * oldest first, decrypted in their session. Messages they are not a reader of are left out;
 * destroyed or expired ones appear without content. Hidden recipients stay hidden per message.
 */
export async function openThreadForReader(auth: AuthState, messageId: string) {
  const user = auth.user;
  const access = await authorizeMessageReader(user, messageId);
  const privateKey = await requestPrivateKey(auth);
  if (!privateKey) throw KeysLockedError();

  const candidates = await Message.findAll({
    where: { threadId: access.message.threadId, state: { [Op.ne]: "draft" } },
    order: [
      ["createdAt", "DESC"],
      ["id", "DESC"],
    ],
    limit: THREAD_LIMIT,
  });
  const ids = candidates.map((m) => m.id);
  const mine = new Map(
    (await KeyEnvelope.findAll({ where: { userId: user.id, messageId: ids } })).map((e) => [e.messageId, e]),
  );
  const recipientRows = await MessageRecipient.findAll({ where: { messageId: ids }, order: [["createdAt", "ASC"]] });
  const isRecipient = new Set(recipientRows.filter((r) => r.userId === user.id).map((r) => r.messageId));
  // Readers: holders of an envelope; for destroyed messages, their sender and recipients.
  const readable = candidates
    .filter((m) => mine.has(m.id) || (m.state !== "active" && (m.senderId === user.id || isRecipient.has(m.id))))
    .reverse();
  const userIds = new Set<string>();
  for (const m of readable) if (m.senderId) userIds.add(m.senderId);
  for (const r of recipientRows) userIds.add(r.userId);
  const users = new Map((await User.findAll({ where: { id: [...userIds] } })).map((u) => [u.id, u]));

  const out = [];
  for (const message of readable) {
    const envelope = mine.get(message.id);
    const viewerIsSender = message.senderId === user.id;
    const own = recipientRows.find((r) => r.messageId === message.id && r.userId === user.id) ?? null;
    const rows =
      viewerIsSender || !message.hideRecipients
        ? recipientRows.filter((r) => r.messageId === message.id)
        : own
          ? [own]
          : [];
    let content: MessageContent | null = null;
    const expired = message.expiresAt !== null && message.expiresAt.getTime() <= clock.now().getTime();
    const idCheck = await idCheckPending(auth, message, own);
    // A burn-after-reading body is served once, by the reveal; never again in the thread.
    const revealedBurn = message.burnAfterReading && !!own?.readAt;
    if (envelope && message.content && message.state === "active" && !expired && !idCheck && !revealedBurn) {
      content = await decryptMessage(message, user.id, envelope.jwe, privateKey);
    }
    const withheld = !!own && message.burnAfterReading && !own.readAt;
    const shown: MessageContent = content
      ? withheld
        ? { ...content, bodyText: "", bodyHtml: null, attachments: [] }
        : content
      : { v: 1, subject: "", bodyText: "", bodyHtml: null, attachments: [], options: {} };
    out.push({
      ...presentMessage({
        message,
        content: shown,
        sender: message.senderId ? (users.get(message.senderId) ?? null) : null,
        recipients: rows.flatMap((row) => {
          const u = users.get(row.userId);
          return u ? [{ row, user: u }] : [];
        }),
        viewerIsSender,
        revealRequired: withheld,
      }),
      state: revealedBurn ? "burned" : expired && message.state === "active" ? "expired" : message.state,
      available: content !== null,
      idCheckRequired: idCheck,
    });
  }
  return { threadId: access.message.threadId, messages: out };
}
