import { Op, literal, type Transaction } from "sequelize";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { env } from "../../env.js";
import { clock } from "../clock.js";

/** The window of the daily cap: 24 hours from the first check after the last window ended. */
export const CODE_FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;

export type CodeCheckBlock = { reason: "too_many_today"; retryAfterSeconds: number } | { reason: "retired" };

/** True when the link has seen the maximum of wrong codes: no code works through it any more. */
export function isLinkRetired(recipient: MessageRecipient): boolean {
  return recipient.codeFailures >= env().RECIPIENT_CODE_MAX_FAILURES;
}

function secondsLeft(recipient: MessageRecipient, now: Date): number {
  const start = recipient.codeFailureWindowStart?.getTime() ?? now.getTime();
  return Math.max(1, Math.ceil((start + CODE_FAILURE_WINDOW_MS - now.getTime()) / 1000));
}

/** Why no code may be checked (or sent) through this link now, or null. Reads the row as loaded. */
export function codeCheckBlock(recipient: MessageRecipient, now = clock.now()): CodeCheckBlock | null {
  if (isLinkRetired(recipient)) return { reason: "retired" };
  const windowOpen =
    !!recipient.codeFailureWindowStart &&
    recipient.codeFailureWindowStart.getTime() + CODE_FAILURE_WINDOW_MS > now.getTime();
  if (windowOpen && recipient.codeFailuresToday >= env().RECIPIENT_CODE_DAILY_FAILURES)
    return { reason: "too_many_today", retryAfterSeconds: secondsLeft(recipient, now) };
  return null;
}

/**
 * Counts one code check against the link's daily cap and total before the code is compared,
 * with conditional updates, so parallel guesses cannot pass the caps. Returns the block when
 * none is left. Call `releaseCodeCheck` when the code was right: only wrong codes count.
 */
export async function reserveCodeCheck(t: Transaction, recipient: MessageRecipient): Promise<CodeCheckBlock | null> {
  const now = clock.now();
  const { RECIPIENT_CODE_DAILY_FAILURES: daily, RECIPIENT_CODE_MAX_FAILURES: max } = env();
  await MessageRecipient.update(
    { codeFailuresToday: 0, codeFailureWindowStart: now },
    {
      where: {
        id: recipient.id,
        [Op.or]: [
          { codeFailureWindowStart: null },
          { codeFailureWindowStart: { [Op.lte]: new Date(now.getTime() - CODE_FAILURE_WINDOW_MS) } },
        ],
      },
      transaction: t,
    },
  );
  const [counted] = await MessageRecipient.update(
    {
      codeFailures: literal("code_failures + 1") as unknown as number,
      codeFailuresToday: literal("code_failures_today + 1") as unknown as number,
    },
    {
      where: { id: recipient.id, codeFailures: { [Op.lt]: max }, codeFailuresToday: { [Op.lt]: daily } },
      transaction: t,
    },
  );
  await recipient.reload({ transaction: t });
  if (counted === 1) return null;
  return codeCheckBlock(recipient, now) ?? { reason: "too_many_today", retryAfterSeconds: secondsLeft(recipient, now) };
}

/** Gives back the check reserved by `reserveCodeCheck` when the code was right. */
export async function releaseCodeCheck(t: Transaction, recipient: MessageRecipient): Promise<void> {
  await MessageRecipient.update(
    {
      codeFailures: literal("code_failures - 1") as unknown as number,
      codeFailuresToday: literal("code_failures_today - 1") as unknown as number,
    },
    { where: { id: recipient.id }, transaction: t },
  );
}
