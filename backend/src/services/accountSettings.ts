import type { Transaction } from "sequelize";
import { UserSettings } from "../models/UserSettings.js";

export const SIGNATURE_MAX_LENGTH = 2000;
export const AUTO_REPLY_MAX_LENGTH = 4000;
export const TITLE_MAX_LENGTH = 100;

/** The user's settings row; created with the defaults on first use. */
export async function settingsFor(t: Transaction, userId: string): Promise<UserSettings> {
  const existing = await UserSettings.findByPk(userId, { transaction: t });
  return existing ?? UserSettings.create({ userId }, { transaction: t });
}

/**
 * Plain text only: normalised line breaks, no control characters other than newline and tab,
 * trimmed. (Rendered escaped wherever it is shown; never interpreted as HTML.)
 */
export function plainText(value: string): string {
  return (
    value
      .replace(/\r\n?/g, "\n")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
      .trim()
  );
}

/** True while an enabled auto-reply's period covers `at` (open ends allowed). */
export function autoReplyActive(
  s: Pick<UserSettings, "autoReplyEnabled" | "autoReplyFrom" | "autoReplyTo" | "autoReplyText">,
  at = new Date(),
): boolean {
  if (!s.autoReplyEnabled || !s.autoReplyText) return false;
  if (s.autoReplyFrom && at < s.autoReplyFrom) return false;
  if (s.autoReplyTo && at > s.autoReplyTo) return false;
  return true;
}
