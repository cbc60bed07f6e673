import { Op, fn, col, type Transaction } from "sequelize";
import type jose from "node-jose";
import { NotFoundError } from "../../errors.js";
import { Folder } from "../../models/Folder.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { MailboxEntry, systemFolders, type SystemFolder } from "../../models/MailboxEntry.js";
import { Message } from "../../models/Message.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { User } from "../../models/User.js";
import { MessageIdCheck } from "../../models/MessageIdCheck.js";
import { decryptMessage } from "./readMessage.js";
import { indexForReader, indexedMessageIds, searchMessageIds } from "../search/index.js";
import { searchableContent } from "./searchable.js";
import type { MessageContent } from "./content.js";
import { clock } from "../clock.js";

export type FolderRef = { kind: SystemFolder } | { kind: "custom"; folder: Folder };

/** A folder name from the URL: a system folder or the id of one of the user's own folders. */
export async function resolveFolder(user: User, name: string): Promise<FolderRef> {
  if ((systemFolders as readonly string[]).includes(name)) return { kind: name as SystemFolder };
  const folder = /^[0-9a-f-]{36}$/.test(name) ? await Folder.findOne({ where: { id: name, userId: user.id } }) : null;
  if (!folder) throw NotFoundError("Folder not found");
  return { kind: "custom", folder };
}

export interface MailboxItem {
  entry: MailboxEntry;
  message: Message;
  sender: User | null;
  /** null when the content could not be decrypted (locked key, shredded content). */
  content: MessageContent | null;
  /** For the sender's own messages: every recipient with status. */
  recipients: Array<{ row: MessageRecipient; user: User }>;
}

export interface MailboxPage {
  items: MailboxItem[];
  total: number;
}

function folderWhere(user: User, ref: FolderRef) {
  return ref.kind === "custom"
    ? { userId: user.id, folder: "custom", folderId: ref.folder.id, deletedAt: null }
    : { userId: user.id, folder: ref.kind, deletedAt: null };
}

/**
 * Of the messages the blind index matched, those whose content the reader may see now
 * (issue 13): not gone or expired, no ID check pending in this session (API tokens never pass
 * one), and no burn-after-reading message the reader has not revealed. Mirrors the checks of
 * reading a message, so a search never answers for content a read would refuse.
 */
async function visibleMatches(user: User, messageIds: string[], sessionId: string | null): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const messages = await Message.findAll({
    attributes: ["id", "senderId", "state", "expiresAt", "idCheck", "burnAfterReading"],
    where: { id: { [Op.in]: messageIds } },
  });
  const recipients = new Map(
    (
      await MessageRecipient.findAll({
        attributes: ["messageId", "readAt"],
        where: { userId: user.id, messageId: { [Op.in]: messageIds } },
      })
    ).map((r) => [r.messageId, r]),
  );
  const checkedIds = messages.filter((m) => m.idCheck && m.senderId !== user.id).map((m) => m.id);
  const passed = new Set(
    checkedIds.length && sessionId
      ? (await MessageIdCheck.findAll({ where: { sessionId, messageId: { [Op.in]: checkedIds } } })).map(
          (p) => p.messageId,
        )
      : [],
  );
  const now = clock.now().getTime();
  return messages
    .filter((m) => {
      if (m.state !== "active" && m.state !== "draft") return false;
      if (m.expiresAt && m.expiresAt.getTime() <= now) return false;
      const recipient = recipients.get(m.id);
      if (!recipient) return true;
      if (m.idCheck && m.senderId !== user.id && !passed.has(m.id)) return false;
      return !(m.burnAfterReading && !recipient.readAt);
    })
    .map((m) => m.id);
}

/**
 * One page of a folder, newest first. Subjects are decrypted in the reader's session with the
 * unlocked private key (one ECDH per row); without it items come back without content.
 */
export async function listMailbox(
  user: User,
  ref: FolderRef,
  page: { limit: number; offset: number; q?: string },
  privateKey: jose.JWK.Key | null,
  /** The caller's session, for ID-checked messages (F4); null for API tokens. */
  sessionId: string | null = null,
): Promise<MailboxPage> {
  const where: Record<string, unknown> = folderWhere(user, ref);
  if (page.q) {
    const matches = await searchMessageIds(user.id, page.q);
    if (matches) where.messageId = { [Op.in]: await visibleMatches(user, matches, sessionId) };
  }
  const { rows: entries, count: total } = await MailboxEntry.findAndCountAll({
    where,
    order: [
      ["createdAt", "DESC"],
      ["id", "DESC"],
    ],
    limit: page.limit,
    offset: page.offset,
  });
  const messageIds = entries.map((e) => e.messageId);
  const messages = new Map((await Message.findAll({ where: { id: messageIds } })).map((m) => [m.id, m]));
  const envelopes = new Map(
    (await KeyEnvelope.findAll({ where: { messageId: messageIds, userId: user.id } })).map((e) => [e.messageId, e]),
  );
  const sentIds = [...messages.values()].filter((m) => m.senderId === user.id).map((m) => m.id);
  const recipientRows = sentIds.length
    ? await MessageRecipient.findAll({ where: { messageId: sentIds }, order: [["createdAt", "ASC"]] })
    : [];
  const userIds = new Set<string>([...messages.values()].map((m) => m.senderId).filter((id): id is string => !!id));
  for (const r of recipientRows) userIds.add(r.userId);
  const users = new Map((await User.findAll({ where: { id: [...userIds] } })).map((u) => [u.id, u]));
  // ID-checked messages show no content (not even the subject) until this session passed the check.
  const checkedIds = [...messages.values()].filter((m) => m.idCheck && m.senderId !== user.id).map((m) => m.id);
  const passed = new Set(
    checkedIds.length && sessionId
      ? (await MessageIdCheck.findAll({ where: { sessionId, messageId: checkedIds } })).map((p) => p.messageId)
      : [],
  );
  const indexed = await indexedMessageIds(user.id, messageIds);

  const items: MailboxItem[] = [];
  for (const entry of entries) {
    const message = messages.get(entry.messageId);
    if (!message) continue;
    const envelope = envelopes.get(message.id);
    let content: MessageContent | null = null;
    const locked =
      (message.idCheck && message.senderId !== user.id && !passed.has(message.id)) ||
      (message.expiresAt !== null && message.expiresAt.getTime() <= Date.now());
    if (
      privateKey &&
      envelope &&
      message.content &&
      (message.state === "active" || message.state === "draft") &&
      !locked
    ) {
      try {
        content = await decryptMessage(message, user.id, envelope.jwe, privateKey);
      } catch {
        content = null;
      }
    }
    const recipients =
      message.senderId === user.id
        ? recipientRows
            .filter((r) => r.messageId === message.id)
            .flatMap((row) => {
              const u = users.get(row.userId);
              return u ? [{ row, user: u }] : [];
            })
        : [];
    const sender = message.senderId ? (users.get(message.senderId) ?? null) : null;
    if (content && !indexed.has(message.id)) {
      // Messages that arrived pre-encrypted (the add-in) are indexed when their reader first sees them.
      await indexForReader(
        null,
        user.id,
        message.id,
        searchableContent(content, sender ? [sender.name ?? "", sender.email] : []),
      );
    }
    items.push({ entry, message, sender, content, recipients });
  }
  return { items, total };
}

/** Unread entries per folder: system folders by name, own folders by id. */
export async function unreadCounts(user: User, t?: Transaction): Promise<Record<string, number>> {
  const rows = (await MailboxEntry.findAll({
    attributes: ["folder", "folderId", [fn("COUNT", col("id")), "n"]],
    where: { userId: user.id, unread: true, deletedAt: null, folder: { [Op.ne]: "trash" } },
    group: ["folder", "folderId"],
    raw: true,
    transaction: t,
  })) as unknown as Array<{ folder: string; folderId: string | null; n: number | string }>;
  const counts: Record<string, number> = { inbox: 0, sent: 0, drafts: 0, saved: 0, trash: 0 };
  for (const r of rows) counts[r.folder === "custom" && r.folderId ? r.folderId : r.folder] = Number(r.n);
  return counts;
}
