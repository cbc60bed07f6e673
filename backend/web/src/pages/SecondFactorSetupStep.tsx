import { useEffect, useState } from "react";
import { MessageBar, MessageBarType, Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi, type TwoFactorStatus } from "../api/account.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { TwoFactorSection } from "./settings/TwoFactorSection.js";

/**
 * Sign-in when the organisation requires two-step verification and the user has none yet: the
 * settings' own enrolment (SMS code to the mobile on file, QR code, first app code); once it is
 * on, the session is a full one and `onDone` takes the user on.
 */
export function SecondFactorSetupStep({ onDone }: { onDone(): Promise<void> }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    accountApi.twoFactor().then(setStatus, setError);
  }, []);

  return (
    <div data-testid="second-factor-setup">
      <MessageBar messageBarType={MessageBarType.info} styles={{ root: { marginBottom: 12 } }}>
        {t("secondFactor.setupRequired")}
      </MessageBar>
      <ErrorMessage error={error} />
      {status ? <TwoFactorSection status={status} onChanged={onDone} /> : null}
      {!status && !error ? <Spinner label={t("common.loading")} /> : null}
    </div>
  );
}
