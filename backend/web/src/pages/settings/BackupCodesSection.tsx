import { useState } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { accountApi, type TwoFactorStatus } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { useAction } from "../../components/useAction.js";
import { useSession } from "../../session/SessionContext.js";
import { codesStore } from "./codesStore.js";
import { SettingsCard } from "./SettingsCard.js";
import { SmsCodeForm } from "./SmsCodeForm.js";
import { settingsClasses } from "./settingsStyles.js";

interface BackupCodesSectionProps {
  status: TwoFactorStatus;
  onChanged(): Promise<void>;
}

/** The codes, one a line, for the clipboard and for printing. */
export function codesAsText(codes: string[]): string {
  return codes.join("\n");
}

/** One-time codes (F18): generate after an SMS code, shown once with Copy and Print. */
export function BackupCodesSection({ status, onChanged }: BackupCodesSectionProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const userId = useSession().user?.id;
  const [codes, setCodes] = useState<string[] | null>(() => codesStore.get(userId));
  const [asking, setAsking] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const [copied, setCopied] = useState<boolean | null>(null);

  const handleSend = () =>
    run(async () => {
      const res = await accountApi.sendSmsCode("backup_codes");
      setSentTo(res.to);
    });

  const handleGenerate = (code: string) =>
    void run(async () => {
      const res = await accountApi.generateBackupCodes(code);
      codesStore.set(userId, res.codes);
      setCodes(res.codes);
      setAsking(false);
      setSentTo(null);
      setCopied(null);
      await onChanged();
    });

  const handleCopy = async () => {
    if (!codes) return;
    try {
      await navigator.clipboard.writeText(codesAsText(codes));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const handleDone = () => {
    codesStore.set(userId, null);
    setCodes(null);
    setCopied(null);
  };

  return (
    <SettingsCard id="codes" title={t("settings.codes.title")} lead={t("settings.codes.lead")}>
      <p className={settingsClasses.status} data-testid="codes-remaining">
        <span
          className={`${settingsClasses.badge} ${status.backupCodesRemaining > 0 ? settingsClasses.badgeOk : settingsClasses.badgeWarn}`}
        >
          {t("settings.codes.remaining", { count: status.backupCodesRemaining })}
        </span>
      </p>

      {codes ? (
        <div data-testid="codes-shown">
          <MessageBar messageBarType={MessageBarType.warning} isMultiline styles={{ root: { marginBottom: 12 } }}>
            {t("settings.codes.showOnce")}
          </MessageBar>
          <ul className={settingsClasses.codes} aria-label={t("settings.codes.listLabel")} data-testid="codes-list">
            {codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <div className={formClasses.actions}>
            <DefaultButton onClick={() => void handleCopy()} data-testid="codes-copy">
              {t("settings.codes.copy")}
            </DefaultButton>
            <DefaultButton onClick={() => navigate("/settings/security/codes/print")} data-testid="codes-print">
              {t("settings.codes.print")}
            </DefaultButton>
            <PrimaryButton onClick={handleDone} data-testid="codes-done">
              {t("settings.codes.done")}
            </PrimaryButton>
          </div>
          <div aria-live="polite" style={{ marginTop: 8 }}>
            {copied === true ? (
              <MessageBar messageBarType={MessageBarType.success}>{t("settings.codes.copied")}</MessageBar>
            ) : null}
            {copied === false ? (
              <MessageBar messageBarType={MessageBarType.error}>{t("settings.codes.copyFailed")}</MessageBar>
            ) : null}
          </div>
        </div>
      ) : null}

      {!codes && !asking ? (
        <div className={formClasses.actions}>
          <PrimaryButton onClick={() => setAsking(true)} data-testid="codes-generate">
            {status.backupCodesRemaining > 0 ? t("settings.codes.generateNew") : t("settings.codes.generate")}
          </PrimaryButton>
        </div>
      ) : null}

      {!codes && asking ? (
        <SmsCodeForm
          lead={t("settings.codes.smsLead", { to: status.mobile })}
          sentTo={sentTo}
          onSend={() => void handleSend()}
          busy={busy}
          error={error}
          submitLabel={t("settings.codes.create")}
          onSubmit={handleGenerate}
          onCancel={() => {
            setAsking(false);
            setError(null);
          }}
          testIds={{ send: "codes-send-sms", code: "codes-sms-code", submit: "codes-create" }}
        >
          {status.backupCodesRemaining > 0 ? (
            <MessageBar messageBarType={MessageBarType.warning} isMultiline>
              {t("settings.codes.replaceWarning")}
            </MessageBar>
          ) : null}
        </SmsCodeForm>
      ) : null}
    </SettingsCard>
  );
}
