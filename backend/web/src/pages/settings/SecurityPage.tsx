import { useEffect } from "react";
import { Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router";
import { accountApi } from "../../api/account.js";
import { BackupCodesSection } from "./BackupCodesSection.js";
import { PasswordSection } from "./PasswordSection.js";
import { PhonesSection } from "./PhonesSection.js";
import { SettingsError } from "./SettingsError.js";
import { TwoFactorSection } from "./TwoFactorSection.js";
import { useLoad } from "./useLoad.js";

/** Security (F15–F18): password, authenticator app, one-time codes, phones. */
export function SecurityPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const status = useLoad(accountApi.twoFactor);
  const loaded = status.data !== undefined;

  useEffect(() => {
    // Links such as /settings/security#phones land on their section once it is there.
    if (!loaded || !location.hash) return;
    document.getElementById(`${location.hash.slice(1)}-title`)?.scrollIntoView();
  }, [loaded, location.hash]);

  if (status.error) return <SettingsError error={status.error} />;
  if (!status.data) return <Spinner label={t("common.loading")} />;
  return (
    <>
      <PasswordSection />
      <TwoFactorSection status={status.data} onChanged={status.reload} />
      <BackupCodesSection status={status.data} onChanged={status.reload} />
      <PhonesSection status={status.data} onChanged={status.reload} />
    </>
  );
}
