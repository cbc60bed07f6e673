import { MessageBar, MessageBarType, Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import { errorText } from "../../components/ErrorMessage.js";

/** Error ids of the account API that the shared error texts do not cover. */
const settingsErrors = new Set([
  "invalid_password",
  "same_password",
  "totp_already_enabled",
  "invalid_phone",
  "phone_exists",
  "too_many_phones",
  "phone_not_verified",
  "phone_is_primary",
  "phone_already_verified",
  "auto_reply_text_required",
  "auto_reply_period_invalid",
]);

/** An account-API failure as a translated message bar. */
export function SettingsError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text =
    error instanceof ApiError && settingsErrors.has(error.id) ? t(`settings.errors.${error.id}`) : errorText(t, error);
  return (
    <MessageBar messageBarType={MessageBarType.error} isMultiline data-testid="settings-error">
      {text}
    </MessageBar>
  );
}

/** A short success note (announced politely to screen readers). */
export function SettingsSuccess({ text, testId }: { text: string | null; testId?: string }) {
  if (!text) return null;
  return (
    <MessageBar messageBarType={MessageBarType.success} isMultiline data-testid={testId ?? "settings-success"}>
      {text}
    </MessageBar>
  );
}

/** Until a page's first answer: a spinner, or why loading failed. */
export function LoadingOrError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <>
      <SettingsError error={error} />
      {!error ? <Spinner label={t("common.loading")} /> : null}
    </>
  );
}
