import { Op, type Transaction } from "sequelize";
import { MailboxEntry } from "../models/MailboxEntry.js";

/** Moves the caller's entries for `messageIds` to the trash (restorable). Returns how many moved. */
export async function moveToTrash(t: Transaction, userId: string, messageIds: string[]): Promise<number> {
  const entries = await MailboxEntry.findAll({
    where: { userId, messageId: { [Op.in]: messageIds }, folder: { [Op.ne]: "trash" }, deletedAt: null },
    transaction: t,
  });
  for (const e of entries) {
    e.previousFolder = e.folder === "custom" ? "custom" : e.folder;
    e.folder = "trash";
    await e.save({ transaction: t });
  }
  return entries.length;
}

/** Puts trashed entries back where they came from (custom folders that are gone: the inbox). */
export async function restoreFromTrash(t: Transaction, userId: string, messageIds: string[]): Promise<number> {
  const entries = await MailboxEntry.findAll({
    where: { userId, messageId: { [Op.in]: messageIds }, folder: "trash" },
    transaction: t,
  });
  for (const e of entries) {
    const back = e.previousFolder ?? "inbox";
    e.folder = back === "custom" && !e.folderId ? "inbox" : back;
    e.previousFolder = null;
    await e.save({ transaction: t });
  }
  return entries.length;
}
