import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { enqueueEmail } from "../outbox/enqueue.js";

export type SecurityChange =
  | "totp_enabled"
  | "totp_disabled"
  | "totp_recovered"
  | "backup_codes_generated"
  | "phone_added"
  | "phone_removed"
  | "primary_phone_changed"
  | "account_deleted"
  | "api_token_created";

export function formatTime(d: Date, locale: "sv" | "en"): string {
  return (
    new Intl.DateTimeFormat(locale === "sv" ? "sv-SE" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Europe/Stockholm",
    }).format(d) + " (Europe/Stockholm)"
  );
}

/** E-mails the owner about a change to their account's security (templates/email/security-change). */
export async function notifySecurityChange(
  t: Transaction,
  user: User,
  event: SecurityChange,
  vars: { phone?: string | null; method?: string } = {},
): Promise<void> {
  await enqueueEmail(t, {
    to: user.email,
    template: "security-change",
    locale: user.locale,
    vars: {
      name: user.name ?? "",
      event,
      at: formatTime(new Date(), user.locale),
      phone: vars.phone ?? "",
      method: vars.method ?? "",
    },
  });
}
