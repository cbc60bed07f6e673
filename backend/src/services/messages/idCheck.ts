import type { Transaction } from "sequelize";
import { appError } from "../../errors.js";
import type { Message } from "../../models/Message.js";
import type { MessageRecipient } from "../../models/MessageRecipient.js";
import type { User } from "../../models/User.js";
import { MessageIdCheck } from "../../models/MessageIdCheck.js";
import type { AuthState } from "../sessions.js";
import { checkSmsCode, issueSmsCode } from "../smsCodes.js";
import { listPhones, maskPhone } from "../phones.js";

export const IdCheckRequiredError = () =>
  appError("id_check_required", "This message needs an SMS code: request one with POST /api/messages/{id}/id-check");

/** The ID-check code is bound to the user, the message and (through the row) the number. */
export function idCheckPurpose(messageId: string): `phone_verify:${string}` {
  return `phone_verify:idcheck-${messageId}`;
}

/** Whether this reader must pass the ID check first: recipients of ID-checked messages, per session. */
export async function idCheckPending(
  auth: AuthState,
  message: Message,
  recipient: MessageRecipient | null,
  t?: Transaction,
): Promise<boolean> {
  if (!message.idCheck || !recipient || message.senderId === auth.user.id) return false;
  if (!auth.sessionId) return true;
  return !(await MessageIdCheck.findOne({
    where: { sessionId: auth.sessionId, messageId: message.id },
    transaction: t,
  }));
}

export async function assertIdChecked(
  auth: AuthState,
  message: Message,
  recipient: MessageRecipient | null,
): Promise<void> {
  if (await idCheckPending(auth, message, recipient)) throw IdCheckRequiredError();
}

/**
 * The number the ID-check code goes to. A registered reader proves themselves with their own
 * verified primary phone, never a number the sender chose (the sender's contact or compose
 * input may be stale or wrong); only a first-time recipient, who has no verified phone yet,
 * gets it on the number the sender gave.
 */
export async function idCheckNumber(t: Transaction, user: User, recipient: MessageRecipient): Promise<string | null> {
  if (user.status === "pending") return recipient.mobile ?? user.mobile;
  const primary = (await listPhones(t, user)).find((p) => p.isPrimary && p.verifiedAt);
  return primary?.e164 ?? null;
}

/** Sends the ID-check code (see `idCheckNumber`). Returns the masked number. */
export async function sendIdCheckCode(
  t: Transaction,
  user: User,
  message: Message,
  recipient: MessageRecipient,
): Promise<string | null> {
  const mobile = await idCheckNumber(t, user, recipient);
  if (!mobile) throw appError("no_phone", "There is no verified primary phone to send the ID-check code to");
  await issueSmsCode(t, user, idCheckPurpose(message.id), mobile, {
    organisationId: message.organisationId,
    kind: "idCheck",
  });
  return maskPhone(mobile);
}

/** Checks the code; on success the session passes for this message. A wrong code is a result (commit `t`). */
export async function passIdCheck(t: Transaction, auth: AuthState, message: Message, code: string): Promise<boolean> {
  if (!auth.sessionId) return false;
  const ok = await checkSmsCode(t, auth.user, idCheckPurpose(message.id), code);
  if (ok) await recordIdCheckPass(t, auth.sessionId, message.id);
  return ok;
}

export async function recordIdCheckPass(t: Transaction, sessionId: string, messageId: string): Promise<void> {
  if (await MessageIdCheck.findOne({ where: { sessionId, messageId }, transaction: t })) return;
  await MessageIdCheck.create({ sessionId, messageId }, { transaction: t });
}
