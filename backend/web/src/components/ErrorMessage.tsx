import { MessageBar, MessageBarType } from "@fluentui/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../api/client.js";

const passwordErrors = new Set([
  "password_too_short",
  "password_too_long",
  "password_needs_letters_and_digits",
  "password_too_common",
]);

/** A translated sentence for an API failure (never the server's English text). */
export function errorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return t("errors.generic");
  if (err.status === 429 || err.id === "rate_limited") {
    const seconds = err.retryAfter;
    if (seconds === null) return t("errors.rateLimited");
    if (seconds < 60) return t("errors.rateLimitedSeconds", { count: seconds });
    return t("errors.rateLimitedMinutes", { count: Math.ceil(seconds / 60) });
  }
  if (passwordErrors.has(err.id)) return t(`errors.${err.id}`);
  switch (err.id) {
    case "network_error":
      return t("errors.network");
    case "invalid_credentials":
      return t("errors.invalidCredentials");
    case "account_locked":
      return t("errors.accountLocked");
    case "invalid_code":
      return t("errors.invalidCode");
    case "authentication_required":
    case "csrf_failed":
      return t("errors.sessionExpired");
    case "no_phone":
      return t("errors.noPhone");
    case "not_signing_in":
      return t("errors.notSigningIn");
    case "validation_error":
      return t("errors.validation");
    default:
      return t("errors.generic");
  }
}

/**
 * Shows an API failure as a message bar; a locked account gets the way out (reset password,
 * with the e-mail address carried over when known).
 */
export function ErrorMessage({ error, email }: { error: unknown; email?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const locked = error instanceof ApiError && error.id === "account_locked";
  const limited = error instanceof ApiError && error.status === 429;
  return (
    <MessageBar
      messageBarType={locked ? MessageBarType.blocked : limited ? MessageBarType.warning : MessageBarType.error}
      isMultiline
      data-testid={locked ? "error-locked" : limited ? "error-rate-limited" : "error"}
    >
      {errorText(t, error)}
      {locked ? (
        <>
          {" "}
          <Link to="/forgot-password" state={email ? { email } : undefined}>
            {t("errors.accountLockedAction")}
          </Link>
        </>
      ) : null}
    </MessageBar>
  );
}
