import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import type jose from "node-jose";
import { NotFoundError, appError } from "../../errors.js";
import type { User } from "../../models/User.js";
import { Message } from "../../models/Message.js";
import { KeyEnvelope } from "../../models/KeyEnvelope.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { Attachment } from "../../models/Attachment.js";
import { AttachmentUpload } from "../../models/AttachmentUpload.js";
import { userPublicKey } from "../keys/userKeys.js";
import { sealMessage, openContentKey, FORMAT_VERSION } from "../messages/contentCrypto.js";
import { assertMaySend } from "../messages/plans.js";
import type { AttachmentInfo, MessageContent } from "../messages/content.js";
import { openAttachmentInfo } from "./meta.js";
import { isOwnDraft } from "../../policies/messages.js";
import { transaction } from "../../db.js";
import type { AuthState } from "../sessions.js";
import { requestPrivateKey } from "../messages/readMessage.js";

export const NotADraftError = () =>
  appError("not_a_draft", "Attachments can only be added to or removed from a draft that has not been sent");

export interface CreateDraftProps {
  sender: User;
  /** The message being answered; the caller has checked that the sender may read it. */
  parent: Message | null;
  /**
   * Pre-encrypted form (add-in): the client chose the content key and sends the content JWE and
   * the sender's key envelope. Otherwise the server makes both.
   */
  encrypted?: { content: string; envelope: string } | null;
}

/**
 * Creates a draft message to which attachments are streamed before send (F6): a message row in
 * state `draft`, its content JWE (empty for the plaintext form) under a fresh content key, one
 * key envelope for the sender, and an entry in the sender's Drafts. Only the sender can see it.
 * Basic accounts may only create drafts of replies (F27).
 */
export async function createDraft(t: Transaction, props: CreateDraftProps): Promise<Message> {
  const { sender, parent } = props;
  await assertMaySend(t, sender, !!parent);
  const id = crypto.randomUUID();
  let content: string;
  let envelope: string;
  if (props.encrypted) {
    content = props.encrypted.content;
    envelope = props.encrypted.envelope;
  } else {
    const publicKey = await userPublicKey(sender);
    if (!publicKey) throw new Error("sender has no key pair");
    const empty: MessageContent = { v: 1, subject: "", bodyText: "", bodyHtml: null, attachments: [], options: {} };
    const sealed = await sealMessage(empty, [{ userId: sender.id, publicKey }]);
    content = sealed.content;
    envelope = sealed.envelopes[0].jwe;
  }
  const message = await Message.create(
    {
      id,
      threadId: parent?.threadId ?? id,
      parentId: parent?.id ?? null,
      senderId: sender.id,
      organisationId: sender.organisationId,
      state: "draft",
      formatVersion: FORMAT_VERSION,
      content,
      expiresAt: null,
    },
    { transaction: t },
  );
  await KeyEnvelope.create({ messageId: id, userId: sender.id, jwe: envelope }, { transaction: t });
  await MailboxEntry.create({ userId: sender.id, messageId: id, folder: "drafts", unread: false }, { transaction: t });
  return message;
}

/** The caller's own draft, locked for update in `t`; 404 for anyone else's, 409 once sent. */
export async function loadOwnDraft(
  t: Transaction,
  user: User,
  messageId: string,
): Promise<{ message: Message; envelope: KeyEnvelope }> {
  const message = await Message.findByPk(messageId, { transaction: t, lock: t.LOCK.UPDATE });
  const envelope = message
    ? await KeyEnvelope.findOne({ where: { messageId, userId: user.id }, transaction: t })
    : null;
  if (!message || !envelope || !isOwnDraft(user, message)) throw NotFoundError("Message not found");
  if (message.state !== "draft") throw NotADraftError();
  return { message, envelope };
}

/** The attachment list of a draft (plaintext form), decrypted with the draft's content key, in upload order. */
export async function draftAttachmentInfos(t: Transaction, message: Message, cek: Buffer): Promise<AttachmentInfo[]> {
  const rows = await Attachment.findAll({
    where: { messageId: message.id },
    order: [
      ["position", "ASC"],
      ["createdAt", "ASC"],
    ],
    transaction: t,
  });
  return rows.flatMap((row) => {
    const meta = row.meta ? openAttachmentInfo(cek, message.id, row.id, row.meta) : null;
    return meta ? [meta] : [];
  });
}

export interface DraftForSend {
  message: Message;
  /** The draft's content key: the send must seal the final content and envelopes with it. */
  cek: Buffer;
  /** Goes into the content JWE's `attachments` (S1). */
  attachments: AttachmentInfo[];
}

/**
 * The hook for MESSAGING's send of a draft (POST /api/messages with a draft id): loads and locks
 * the sender's draft, opens its content key with the sender's unlocked private key, decrypts the
 * attachment list (409 attachment_upload_pending while a resumable upload is open), and clears the draft-only rows (the sender's envelope, which the send writes
 * again with every reader's, and the Drafts entry). The send then seals the content with
 * `attachments` under `cek`, wraps `cek` for every reader and sets the message active.
 */
export async function takeDraftForSend(
  t: Transaction,
  sender: User,
  draftId: string,
  privateKey: jose.JWK.Key,
): Promise<DraftForSend> {
  const { message, envelope } = await loadOwnDraft(t, sender, draftId);
  if (await AttachmentUpload.count({ where: { messageId: draftId }, transaction: t })) {
    throw appError(
      "attachment_upload_pending",
      "An attachment upload into this draft is not finished: commit or abandon it first",
    );
  }
  const cek = await openContentKey(envelope.jwe, privateKey);
  const attachments = await draftAttachmentInfos(t, message, cek);
  await envelope.destroy({ transaction: t });
  await MailboxEntry.destroy({ where: { userId: sender.id, messageId: message.id, folder: "drafts" }, transaction: t });
  return { message, cek, attachments };
}

export type DraftKeyResult = { kind: "opened"; cek: Buffer } | { kind: "keys_locked" };

/**
 * The content key of the caller's own draft (plaintext uploads encrypt under it), opened with
 * the request's unlocked private key; `keys_locked` when it has none. 404 for anyone else's
 * draft (S4), 409 once sent — checked before the key. The caller zeroes the key.
 */
export async function openDraftContentKey(auth: AuthState, messageId: string): Promise<DraftKeyResult> {
  const privateKey = await requestPrivateKey(auth);
  return transaction(async (t) => {
    const { envelope } = await loadOwnDraft(t, auth.user, messageId);
    if (!privateKey) return { kind: "keys_locked" };
    return { kind: "opened", cek: await openContentKey(envelope.jwe, privateKey) };
  });
}
