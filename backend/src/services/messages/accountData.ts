import { Op } from "sequelize";
import type { DeletionStep } from "../account/deletionSteps.js";
import type { ExportSection, ExportEntry } from "../account/exportSections.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { Message } from "../../models/Message.js";
import { Folder } from "../../models/Folder.js";
import { Contact } from "../../models/Contact.js";
import { User } from "../../models/User.js";
import { releaseMessages } from "./releaseMessages.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import type { AuthState } from "../sessions.js";
import { clock } from "../clock.js";
import { assertReadable, decryptMessage, requestPrivateKey } from "./readMessage.js";
import { idCheckPending } from "./idCheck.js";
import { openAttachmentDownload } from "../attachments/download.js";

/**
 * Deleting an account (F21) crypto-shreds what only this user could read: every message in
 * their mailbox loses their key envelope, and messages nobody else holds are destroyed
 * entirely (content, envelopes, blobs). Their folders and contacts go too.
 */
export const messagesDeletionStep: DeletionStep = {
  name: "messages",
  async run(t, user) {
    const entries = await MailboxEntry.findAll({
      attributes: ["messageId"],
      where: { userId: user.id },
      transaction: t,
    });
    const envelopes = await KeyEnvelope.findAll({
      attributes: ["messageId"],
      where: { userId: user.id },
      transaction: t,
    });
    const ids = [...new Set([...entries, ...envelopes].map((e) => e.messageId))];
    await MailboxEntry.destroy({ where: { userId: user.id }, transaction: t });
    await releaseMessages(t, user.id, ids);
    await Folder.destroy({ where: { userId: user.id }, transaction: t });
    await Contact.destroy({ where: { ownerId: user.id }, transaction: t });
  },
};

const PAGE = 100;
const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** A file name safe in any archive tool: no path separators, reserved or control characters. */
function safeName(name: string): string {
  const cleaned = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(ch) ? "_" : ch)).join("");
  return cleaned.slice(0, 120) || "attachment";
}

/** Why a message's content is not in the export; the archive names it, without content. */
export type LeftOutReason = "key_locked" | "gone" | "expired" | "id_check_pending" | "burn_after_reading" | "eyes_only";

/**
 * Whether the export may carry a message's content, with the same checks as reading it
 * (issue 13): gone or past its expiry date (`assertReadable`), an ID check this session has not
 * passed (`idCheckPending`), and — stricter than reading, because an archive outlives the
 * message — nothing of burn-after-reading or for-your-eyes-only messages, for anyone.
 */
async function leftOutReason(
  auth: AuthState,
  message: Message,
  recipient: MessageRecipient | null,
  readable: boolean,
): Promise<LeftOutReason | null> {
  if (!readable || message.state !== "active") return "gone";
  try {
    assertReadable(message, clock.now());
  } catch {
    return "expired";
  }
  if (await idCheckPending(auth, message, recipient)) return "id_check_pending";
  if (message.burnAfterReading) return "burn_after_reading";
  if (message.eyesOnly) return "eyes_only";
  return null;
}

/**
 * Export (F21): every message in the owner's mailbox, decrypted with the key unlocked in their
 * session, one folder per message with message.json and its attachments (streamed, one at a
 * time). What reading would refuse — gone, expired, ID check pending — and every
 * burn-after-reading and for-your-eyes-only message are listed without content, with the
 * reason in `leftOut` and in `messages/left-out.json` (issue 13).
 */
export const messagesExportSection: ExportSection = {
  name: "messages",
  async *entries({ auth }) {
    const privateKey = await requestPrivateKey(auth);
    const userId = auth.user.id;
    const leftOut: Array<{ id: string; folder: string; reason: LeftOutReason }> = [];
    let offset = 0;
    for (;;) {
      const entries = await MailboxEntry.findAll({
        where: { userId },
        order: [
          ["createdAt", "ASC"],
          ["id", "ASC"],
        ],
        limit: PAGE,
        offset,
      });
      if (entries.length === 0) break;
      offset += entries.length;
      const ids = entries.map((e) => e.messageId);
      const messages = new Map((await Message.findAll({ where: { id: { [Op.in]: ids } } })).map((m) => [m.id, m]));
      const envelopes = new Map(
        (await KeyEnvelope.findAll({ where: { userId, messageId: { [Op.in]: ids } } })).map((e) => [e.messageId, e]),
      );
      const recipients = new Map(
        (await MessageRecipient.findAll({ where: { userId, messageId: { [Op.in]: ids } } })).map((r) => [
          r.messageId,
          r,
        ]),
      );
      const senders = new Map(
        (
          await User.findAll({
            where: { id: [...new Set([...messages.values()].map((m) => m.senderId).filter((v): v is string => !!v))] },
          })
        ).map((u) => [u.id, u]),
      );
      for (const entry of entries) {
        const message = messages.get(entry.messageId);
        if (!message) continue;
        const dir = `${entry.folder}/${message.createdAt.toISOString().slice(0, 10)}-${message.id}`;
        const envelope = envelopes.get(message.id);
        const sender = message.senderId ? senders.get(message.senderId) : undefined;
        const base = {
          id: message.id,
          threadId: message.threadId,
          folder: entry.folder,
          sentAt: message.createdAt.toISOString(),
          from: sender?.email ?? null,
          state: message.state,
        };
        const reason: LeftOutReason | null = !privateKey
          ? "key_locked"
          : await leftOutReason(auth, message, recipients.get(message.id) ?? null, !!envelope && !!message.content);
        if (reason || !privateKey || !envelope) {
          const why = reason ?? "gone";
          leftOut.push({ id: message.id, folder: entry.folder, reason: why });
          yield {
            path: `${dir}/message.json`,
            content: json({ ...base, content: null, leftOut: why }),
            date: message.createdAt,
          };
          continue;
        }
        const content = await decryptMessage(message, userId, envelope.jwe, privateKey).catch(() => null);
        yield {
          path: `${dir}/message.json`,
          content: json({
            ...base,
            subject: content?.subject ?? null,
            bodyText: content?.bodyText ?? null,
            bodyHtml: content?.bodyHtml ?? null,
            attachments: content?.attachments ?? [],
          }),
          date: message.createdAt,
        };
        if (!content) continue;
        for (const a of content.attachments) {
          const file: ExportEntry | null = await openAttachmentDownload(auth, message.id, a.id)
            .then((d) => ({
              path: `${dir}/attachments/${safeName(a.name)}`,
              content: d.stream,
              date: message.createdAt,
            }))
            .catch(() => null);
          if (file) yield file;
        }
      }
    }
    yield { path: "left-out.json", content: json(leftOut) };
  },
};
