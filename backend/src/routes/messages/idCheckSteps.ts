import { z } from "zod";
import { limits } from "../../api/limits.js";
import { appError } from "../../errors.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import type { SendIdCheckResult } from "../../commands/sendIdCheck.js";
import type { VerifyIdCheckResult } from "../../commands/verifyIdCheck.js";

/**
 * The ID check's two steps (F4) as the personal and the shared-mailbox routes present them. The
 * limits count per person and message, so reaching a message through a mailbox gives no more tries.
 */
export const IdCheckCodeBody = z.object({ code: z.string().trim().min(1).max(16) }).strict();

export const limitIdCheckSend = (userId: string, messageId: string) =>
  consumeRateLimit("id-check-send", `${userId}:${messageId}`, limits.idCheckSend);

export const limitIdCheckVerify = (userId: string, messageId: string) =>
  consumeRateLimit("id-check-verify", `${userId}:${messageId}`, limits.idCheckVerify);

/** 202 `{mobile}` (masked), or 409 `id_check_not_required`. */
export function presentIdCheckSent(result: SendIdCheckResult): { mobile: string | null } {
  if (result.kind === "not_required") throw appError("id_check_not_required", "This message has no ID check for you");
  return { mobile: result.mobile };
}

/** 200 `{verified: true}`, or 400 `invalid_code` (the attempt was counted). */
export function presentIdCheckVerified(result: VerifyIdCheckResult): { verified: true } {
  if (result.kind === "invalid_code") throw appError("invalid_code", "The code is wrong or no longer valid");
  return { verified: true };
}
