import type { Transaction } from "sequelize";
import type { Locale, User } from "../models/User.js";
import type { Organisation } from "../models/Organisation.js";
import type { UserSettings } from "../models/UserSettings.js";
import type { RequestMeta } from "../services/lockout.js";
import { plainText, settingsFor } from "../services/accountSettings.js";
import { organisationOf } from "../services/account/accountDetails.js";
import { recordAudit } from "../services/audit/recordAudit.js";

/** The fields a user may change on their account; absent fields stay as they are. */
export interface AccountSettingsChanges {
  name?: string | null;
  locale?: Locale;
  neutralNotifications?: boolean;
  /** Plain text. */
  signature?: string | null;
  /** Job title, for the organisation signature's {title} (F5). */
  title?: string | null;
  autoReply?: {
    enabled?: boolean;
    text?: string | null;
    /** ISO 8601 with offset. */
    from?: string | null;
    to?: string | null;
  };
}

export interface UpdateAccountSettingsProps {
  user: User;
  changes: AccountSettingsChanges;
  meta: RequestMeta;
}

export type UpdateAccountSettingsResult =
  | { kind: "updated"; organisation: Organisation | null; settings: UserSettings }
  | { kind: "auto_reply_text_required" }
  | { kind: "auto_reply_period_invalid" };

const textOrNull = (value: string | null) => (value === null ? null : plainText(value) || null);
const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

/**
 * Changes name, language, neutral notifications, title, signature and auto-reply. An auto-reply that
 * would be on without text, or end before it starts, is refused as a value before anything is
 * saved. Changed settings are audited (`account.settings_changed`, with the field names).
 */
export async function updateAccountSettings(
  t: Transaction,
  props: UpdateAccountSettingsProps,
): Promise<UpdateAccountSettingsResult> {
  const { user, changes, meta } = props;
  const settings = await settingsFor(t, user.id);
  if (changes.neutralNotifications !== undefined) settings.neutralNotifications = changes.neutralNotifications;
  if (changes.signature !== undefined) settings.signature = textOrNull(changes.signature);
  if (changes.title !== undefined) settings.title = textOrNull(changes.title)?.replace(/\s+/g, " ") ?? null;
  const autoReply = changes.autoReply;
  if (autoReply) {
    if (autoReply.text !== undefined) settings.autoReplyText = textOrNull(autoReply.text);
    if (autoReply.from !== undefined) settings.autoReplyFrom = dateOrNull(autoReply.from);
    if (autoReply.to !== undefined) settings.autoReplyTo = dateOrNull(autoReply.to);
    if (autoReply.enabled !== undefined) settings.autoReplyEnabled = autoReply.enabled;
    if (settings.autoReplyEnabled && !settings.autoReplyText) return { kind: "auto_reply_text_required" };
    const { autoReplyFrom: from, autoReplyTo: to } = settings;
    if (from && to && from >= to) return { kind: "auto_reply_period_invalid" };
  }

  if (changes.name !== undefined) user.name = changes.name;
  if (changes.locale !== undefined) user.locale = changes.locale;
  if (user.changed()) await user.save({ transaction: t });
  const changed = settings.changed();
  if (changed) {
    await settings.save({ transaction: t });
    await recordAudit(t, {
      type: "account.settings_changed",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { fields: changed },
    });
  }
  return { kind: "updated", organisation: await organisationOf(user, t), settings };
}
