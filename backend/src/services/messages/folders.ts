import { Op, fn, col, type Transaction } from "sequelize";
import { NotFoundError, appError } from "../../errors.js";
import { Folder } from "../../models/Folder.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { Message } from "../../models/Message.js";
import type { User } from "../../models/User.js";

/** Own folders per user (F11). */
export const MAX_FOLDERS = 100;

function cleanName(name: string): string {
  return name.normalize("NFC").replace(/\s+/g, " ").trim();
}

async function assertFreeName(t: Transaction, user: User, name: string, exceptId?: string): Promise<void> {
  const same = (await Folder.findAll({ where: { userId: user.id }, attributes: ["id", "name"], transaction: t })).find(
    (f) => f.id !== exceptId && f.name.toLocaleLowerCase("sv") === name.toLocaleLowerCase("sv"),
  );
  if (same) throw appError("folder_exists", "You already have a folder with that name");
}

export async function createFolder(t: Transaction, user: User, rawName: string): Promise<Folder> {
  const name = cleanName(rawName);
  if (!name) throw appError("invalid_name", "The folder needs a name");
  if ((await Folder.count({ where: { userId: user.id }, transaction: t })) >= MAX_FOLDERS) {
    throw appError("too_many_folders", `You can have at most ${MAX_FOLDERS} folders`);
  }
  await assertFreeName(t, user, name);
  return Folder.create({ userId: user.id, name }, { transaction: t });
}

/** The caller's own folder, or 404 (another user's folder id looks the same as a missing one, S4). */
export async function findOwnFolder(t: Transaction, user: User, id: string): Promise<Folder> {
  const folder = await Folder.findOne({ where: { id, userId: user.id }, transaction: t });
  if (!folder) throw NotFoundError("Folder not found");
  return folder;
}

export async function renameFolder(t: Transaction, user: User, id: string, rawName: string): Promise<Folder> {
  const folder = await findOwnFolder(t, user, id);
  const name = cleanName(rawName);
  if (!name) throw appError("invalid_name", "The folder needs a name");
  await assertFreeName(t, user, name, folder.id);
  folder.name = name;
  await folder.save({ transaction: t });
  return folder;
}

/** Deletes a folder; its messages go back to Inbox (received) or Sent (own). Nothing is deleted. */
export async function deleteFolder(t: Transaction, user: User, id: string): Promise<number> {
  const folder = await findOwnFolder(t, user, id);
  const entries = await MailboxEntry.findAll({
    where: { userId: user.id, folder: "custom", folderId: folder.id },
    transaction: t,
  });
  const sentIds = new Set(
    (
      await Message.findAll({
        where: { id: entries.map((e) => e.messageId), senderId: user.id },
        attributes: ["id"],
        transaction: t,
      })
    ).map((m) => m.id),
  );
  for (const e of entries) {
    await e.update({ folder: sentIds.has(e.messageId) ? "sent" : "inbox", folderId: null }, { transaction: t });
  }
  // Trashed entries that came from this folder restore to Inbox/Sent instead.
  await MailboxEntry.update({ folderId: null }, { where: { userId: user.id, folderId: folder.id }, transaction: t });
  await folder.destroy({ transaction: t });
  return entries.length;
}

export interface FolderSummary {
  folder: Folder;
  total: number;
  unread: number;
}

export async function listFolders(user: User): Promise<FolderSummary[]> {
  const folders = await Folder.findAll({ where: { userId: user.id }, order: [["name", "ASC"]] });
  const rows = (await MailboxEntry.findAll({
    attributes: ["folderId", "unread", [fn("COUNT", col("id")), "n"]],
    where: { userId: user.id, folder: "custom", deletedAt: null, folderId: { [Op.ne]: null } },
    group: ["folderId", "unread"],
    raw: true,
  })) as unknown as Array<{ folderId: string; unread: boolean | number; n: number | string }>;
  return folders.map((folder) => {
    const mine = rows.filter((r) => r.folderId === folder.id);
    return {
      folder,
      total: mine.reduce((s, r) => s + Number(r.n), 0),
      unread: mine.filter((r) => !!Number(r.unread)).reduce((s, r) => s + Number(r.n), 0),
    };
  });
}

export type MoveTarget = { kind: "inbox" | "sent" | "saved" } | { kind: "custom"; folder: Folder };

/**
 * Moves the caller's entries for `messageIds` (not in Trash or Drafts: those have their own
 * actions) to `target`. Other users' messages are silently not found (S4). Returns how many moved.
 */
export async function moveEntries(
  t: Transaction,
  user: User,
  messageIds: string[],
  target: MoveTarget,
): Promise<number> {
  const [count] = await MailboxEntry.update(
    target.kind === "custom"
      ? { folder: "custom", folderId: target.folder.id }
      : { folder: target.kind, folderId: null },
    {
      where: { userId: user.id, messageId: messageIds, deletedAt: null, folder: { [Op.notIn]: ["trash", "drafts"] } },
      transaction: t,
    },
  );
  return count;
}

/** Marks the caller's entries read or unread; returns how many changed. */
export async function markEntries(t: Transaction, user: User, messageIds: string[], unread: boolean): Promise<number> {
  const [count] = await MailboxEntry.update(
    { unread },
    { where: { userId: user.id, messageId: messageIds, deletedAt: null, unread: !unread }, transaction: t },
  );
  return count;
}
