import type { Transaction } from "sequelize";
import type { Message } from "../models/Message.js";
import type { User } from "../models/User.js";
import { createDraft } from "../services/attachments/drafts.js";
import { authorizeMessageReader } from "../services/messages/messageAccess.js";

export interface CreateDraftMessageProps {
  sender: User;
  /** The message being answered: 404 unless the sender can read it (S4). */
  replyTo: string | null;
  /** Pre-encrypted form (add-in): the content JWE and the sender's key envelope. */
  encrypted: { content: string; envelope: string } | null;
}

/** Creates a draft to stream attachments into before it is sent (F6), as a reply when `replyTo` is given. */
export async function createDraftMessage(t: Transaction, props: CreateDraftMessageProps): Promise<Message> {
  const parent = props.replyTo ? (await authorizeMessageReader(props.sender, props.replyTo, t)).message : null;
  return createDraft(t, { sender: props.sender, parent, encrypted: props.encrypted });
}
