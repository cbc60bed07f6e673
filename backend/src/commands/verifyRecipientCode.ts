import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { MessageRecipient } from "../models/MessageRecipient.js";
import { checkSmsCode } from "../services/smsCodes.js";
import {
  resolveRecipientLink,
  type LinkRef,
  hashVerifySecret,
  recipientCodePurpose,
  VERIFY_WINDOW_MS,
} from "../services/messages/recipientLink.js";
import { releaseCodeCheck, reserveCodeCheck, type CodeCheckBlock } from "../services/messages/recipientCodeLimits.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export type VerifyResult =
  | { ok: true; secret: string }
  | { ok: false; reason: "invalid_code" | "not_pending" }
  | ({ ok: false } & CodeCheckBlock);

/**
 * Step 2 (F9): checks the SMS code of a first-time recipient. On success a fresh secret is
 * returned for the caller's cookie; only its hash is kept, so the password step works only in
 * the browser that entered the code. A wrong code is a result (the try counter must commit).
 * Each link takes RECIPIENT_CODE_DAILY_FAILURES wrong codes a day and RECIPIENT_CODE_MAX_FAILURES
 * in all; beyond them no code is checked, the right one included (S3).
 */
export async function verifyRecipientCode(
  t: Transaction,
  token: LinkRef,
  code: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<VerifyResult> {
  const { recipient, user } = await resolveRecipientLink(token, t);
  if (user.status !== "pending") return { ok: false, reason: "not_pending" };
  const block = await reserveCodeCheck(t, recipient);
  if (block) return { ok: false, ...block };
  // Bound to the number it was sent to: a code sent before the sender corrected it never counts.
  const ok = await checkSmsCode(t, user, recipientCodePurpose(recipient), code, {
    target: recipient.mobile ?? user.mobile ?? "",
  });
  if (ok) await releaseCodeCheck(t, recipient);
  await recordAudit(t, {
    type: ok ? "recipient.code_verified" : "recipient.code_failed",
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { messageId: recipient.messageId },
  });
  if (!ok) return { ok: false, reason: "invalid_code" };
  const secret = crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  await MessageRecipient.update(
    {
      verifiedAt: now,
      verifySecretHash: hashVerifySecret(secret),
      verifyExpiresAt: new Date(now.getTime() + VERIFY_WINDOW_MS),
    },
    { where: { id: recipient.id }, transaction: t },
  );
  return { ok: true, secret };
}
