import { useState, type FormEvent } from "react";
import { Checkbox, MessageBar, MessageBarType, PrimaryButton, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { accountApi, exportUrl, type Confirmation } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { useSession } from "../../session/SessionContext.js";
import { SecondFactorConfirm, cleanConfirmation } from "./SecondFactorConfirm.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";
import { colors } from "../../theme.js";

const linkButton = {
  display: "inline-flex",
  alignItems: "center",
  minHeight: 32,
  padding: "0 16px",
  borderRadius: 2,
  background: colors.primary,
  color: colors.onPrimary,
  fontWeight: 600,
  fontSize: 14,
  textDecoration: "none",
} as const;

/** Export my data and delete my account (F21). */
export function DataPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const status = useLoad(accountApi.twoFactor);
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState<Confirmation>({ method: "totp", code: "" });
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const handleDelete = async (e: FormEvent) => {
    e.preventDefault();
    if (!status.data) return;
    const c = cleanConfirmation(status.data.methods, confirmation);
    if (!password || !c.code || !understood) return;
    setBusy(true);
    setError(null);
    try {
      await accountApi.deleteAccount(password, c);
      navigate("/settings/deleted", { replace: true });
      await refresh();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <SettingsCard id="export" title={t("settings.data.exportTitle")} lead={t("settings.data.exportLead")}>
        <a href={exportUrl} download style={linkButton} className="kuvert-link-button" data-testid="export">
          {t("settings.data.export")}
        </a>
      </SettingsCard>
      <SettingsCard id="delete" title={t("settings.data.deleteTitle")} danger>
        <MessageBar
          messageBarType={MessageBarType.severeWarning}
          isMultiline
          styles={{ root: { marginBottom: 14 } }}
          data-testid="delete-warning"
        >
          {t("settings.data.deleteWarning")}
        </MessageBar>
        <p className={settingsClasses.cardLead}>{t("settings.data.deleteLead")}</p>
        {status.error ? <SettingsError error={status.error} /> : null}
        {!status.data && !status.error ? <Spinner label={t("common.loading")} /> : null}
        {status.data ? (
          <form
            className={`${formClasses.form} ${settingsClasses.narrow}`}
            onSubmit={(e) => void handleDelete(e)}
            noValidate
          >
            <TextField
              label={t("settings.data.password")}
              type="password"
              canRevealPassword
              revealPasswordAriaLabel={t("signIn.showPassword")}
              value={password}
              onChange={(_, v) => setPassword(v ?? "")}
              autoComplete="current-password"
              required
              data-testid="delete-password"
            />
            <SecondFactorConfirm
              methods={status.data.methods}
              value={confirmation}
              onChange={setConfirmation}
              idPrefix="delete"
            />
            <Checkbox
              label={t("settings.data.understand")}
              checked={understood}
              onChange={(_, checked) => setUnderstood(Boolean(checked))}
              data-testid="delete-understand"
            />
            <SettingsError error={error} />
            <div className={formClasses.actions}>
              <PrimaryButton
                type="submit"
                disabled={busy || !password || !confirmation.code.trim() || !understood}
                styles={{
                  root: { background: colors.danger, borderColor: colors.danger },
                  rootHovered: { background: colors.dangerHover, borderColor: colors.dangerHover },
                  rootPressed: { background: colors.dangerPressed, borderColor: colors.dangerPressed },
                  rootDisabled: { background: colors.disabledBackground, borderColor: colors.disabledBackground },
                }}
                data-testid="delete-submit"
              >
                {t("settings.data.deleteSubmit")}
              </PrimaryButton>
            </div>
          </form>
        ) : null}
      </SettingsCard>
    </>
  );
}
