import { MessageBar, MessageBarType } from "@fluentui/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import { errorText } from "../../components/ErrorMessage.js";

/** API failure ids of the mailbox, compose and contacts pages that have their own sentence. */
const mailIds = new Set([
  "mobile_required",
  "invalid_mobile",
  "plan_reply_only",
  "plan_quota_exceeded",
  "keys_locked",
  "message_expired",
  "message_burned",
  "message_shredded",
  "not_found",
  "folder_exists",
  "too_many_folders",
  "contact_exists",
  "attachment_too_large",
  "terms_not_accepted",
  "verification_required",
  "no_recipients",
  "invalid_expiry",
  "recipient_unavailable",
  "payload_too_large",
  "invalid_name",
  "id_check_required",
  "recipient_registered",
]);

/** A translated sentence for a failure on the mail pages, falling back to the shared ones. */
export function mailErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && mailIds.has(err.id)) return t(`mail.errors.${err.id}`);
  return errorText(t, err);
}

export function MailError({ error, testId = "error" }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <MessageBar messageBarType={MessageBarType.error} isMultiline data-testid={testId}>
      {mailErrorText(t, error)}
    </MessageBar>
  );
}
