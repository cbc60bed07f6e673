import { MessageBar, MessageBarType } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { errorText } from "#shared/api/errorText.js";
import { ApiError } from "../api/client.js";

/** A translated sentence for an API failure (never the server's English text): `errors.<id>`. */
export { errorText };

/**
 * Shows an API failure as a message bar; a locked account gets the way out (reset password,
 * with the e-mail address carried over when known).
 */
export function ErrorMessage({ error, email }: { error: unknown; email?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const locked = error instanceof ApiError && error.id === "account_locked";
  const limited = error instanceof ApiError && error.id === "rate_limited";
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
