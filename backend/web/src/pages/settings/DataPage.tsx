import { useState, type FormEvent } from "react";
import { Checkbox, MessageBar, MessageBarType, PrimaryButton, Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { accountApi, downloadExport, type Confirmation } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { PasswordField } from "../../components/PasswordField.js";
import { useSession } from "../../session/SessionContext.js";
import { SecondFactorConfirm, cleanConfirmation } from "./SecondFactorConfirm.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";
import { colors } from "../../theme.js";

/** Hands a downloaded Blob to the browser as a file. */
function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

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
  const [exportPassword, setExportPassword] = useState("");
  const [exportConfirmation, setExportConfirmation] = useState<Confirmation>({ method: "totp", code: "" });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportNeedsPassword = !!status.data && status.data.methods.length === 0;

  const handleExport = async (e: FormEvent) => {
    e.preventDefault();
    if (!status.data) return;
    const c = cleanConfirmation(status.data.methods, exportConfirmation);
    if (exportNeedsPassword ? !exportPassword : !c.code) return;
    setExporting(true);
    setExportError(null);
    try {
      const { blob, fileName } = await downloadExport(exportNeedsPassword ? { password: exportPassword } : c);
      saveFile(blob, fileName);
      setExportConfirmation({ method: c.method, code: "" });
      setExportPassword("");
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

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
        <p className={settingsClasses.cardLead}>{t("settings.data.exportConfirm")}</p>
        {status.data ? (
          <form
            className={`${formClasses.form} ${settingsClasses.narrow}`}
            onSubmit={(e) => void handleExport(e)}
            noValidate
          >
            {exportNeedsPassword ? (
              <PasswordField
                label={t("settings.data.password")}
                value={exportPassword}
                onChange={setExportPassword}
                autoComplete="current-password"
                testId="export-password"
              />
            ) : (
              <SecondFactorConfirm
                methods={status.data.methods}
                value={exportConfirmation}
                onChange={setExportConfirmation}
                idPrefix="export"
              />
            )}
            <SettingsError error={exportError} />
            <div className={formClasses.actions}>
              <PrimaryButton
                type="submit"
                disabled={exporting || (exportNeedsPassword ? !exportPassword : !exportConfirmation.code.trim())}
                data-testid="export"
              >
                {t("settings.data.export")}
              </PrimaryButton>
            </div>
          </form>
        ) : null}
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
            <PasswordField
              label={t("settings.data.password")}
              value={password}
              onChange={setPassword}
              autoComplete="current-password"
              testId="delete-password"
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
