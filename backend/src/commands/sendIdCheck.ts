import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { authorizeMessageReader } from "../services/messages/messageAccess.js";
import { sendIdCheckCode } from "../services/messages/idCheck.js";

export type SendIdCheckResult = { kind: "sent"; mobile: string | null } | { kind: "not_required" };

/**
 * ID check (F4), first step: for a reader of a message with an ID check, sends the SMS code to
 * the reader's own verified primary phone (never a number the sender chose) and returns it masked. A message without one
 * for this reader (or the sender's own copy) is `not_required`; a non-reader gets 404 (S4).
 */
export async function sendIdCheck(
  t: Transaction,
  user: User,
  messageId: string,
  /** Whose message it is: the user, or a shared mailbox the user reads as (the code still goes to the user). */
  reader: User = user,
): Promise<SendIdCheckResult> {
  const access = await authorizeMessageReader(reader, messageId, t);
  if (!access.message.idCheck || !access.recipient) return { kind: "not_required" };
  return { kind: "sent", mobile: await sendIdCheckCode(t, user, access.message, access.recipient) };
}
