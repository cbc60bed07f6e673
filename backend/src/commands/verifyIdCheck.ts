import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { AuthState } from "../services/sessions.js";
import { authorizeMessageReader } from "../services/messages/messageAccess.js";
import { passIdCheck } from "../services/messages/idCheck.js";

export type VerifyIdCheckResult = { kind: "passed" } | { kind: "invalid_code" };

/**
 * ID check (F4), second step: checks the SMS code of a reader; on success this session may open
 * the message. A wrong or spent code (or a request without a session) is `invalid_code`; the
 * transaction should still commit, so the attempt counts. A non-reader gets 404 (S4).
 */
export async function verifyIdCheck(
  t: Transaction,
  auth: AuthState,
  messageId: string,
  code: string,
  /** Whose message it is: the signed-in user, or a shared mailbox they read as (the code is theirs). */
  reader: User = auth.user,
): Promise<VerifyIdCheckResult> {
  const access = await authorizeMessageReader(reader, messageId, t);
  return (await passIdCheck(t, auth, access.message, code)) ? { kind: "passed" } : { kind: "invalid_code" };
}
