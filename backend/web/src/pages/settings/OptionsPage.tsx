import { useEffect, useState, type FormEvent } from "react";
import { PrimaryButton, Spinner, TextField, Toggle } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi, type Account, type AccountPatch } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";
import { fromDateInput, toDateInput } from "./format.js";

interface SectionProps {
  account: Account;
  onSaved(a: Account): void;
}

function useSave(onSaved: (a: Account) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async (patch: AccountPatch) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onSaved(await accountApi.update(patch));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, saved, save, touch: () => setSaved(false) };
}

function NotificationsSection({ account, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const s = useSave(onSaved);
  return (
    <SettingsCard
      id="notifications"
      title={t("settings.options.notificationsTitle")}
      lead={t("settings.options.notificationsLead")}
    >
      <Toggle
        label={t("settings.options.neutral")}
        checked={account.neutralNotifications}
        onText={t("settings.on")}
        offText={t("settings.off")}
        disabled={s.busy}
        onChange={(_, checked) => void s.save({ neutralNotifications: Boolean(checked) })}
        data-testid="neutral-notifications"
      />
      <p className={settingsClasses.itemMeta} style={{ margin: "0 0 8px" }}>
        {t("settings.options.neutralHelp")}
      </p>
      <SettingsError error={s.error} />
      <SettingsSuccess text={s.saved ? t("settings.saved") : null} />
    </SettingsCard>
  );
}

function SignatureSection({ account, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const s = useSave(onSaved);
  const [signature, setSignature] = useState(account.signature ?? "");
  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    void s.save({ signature: signature.trim() ? signature : null });
  };
  return (
    <SettingsCard
      id="signature"
      title={t("settings.options.signatureTitle")}
      lead={t("settings.options.signatureLead")}
    >
      <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
        <TextField
          label={t("settings.options.signature")}
          multiline
          rows={4}
          autoAdjustHeight
          maxLength={2000}
          value={signature}
          onChange={(_, v) => {
            setSignature(v ?? "");
            s.touch();
          }}
          data-testid="signature"
        />
        <SettingsError error={s.error} />
        <SettingsSuccess text={s.saved ? t("settings.saved") : null} />
        <div className={formClasses.actions}>
          <PrimaryButton type="submit" disabled={s.busy} data-testid="signature-save">
            {t("settings.save")}
          </PrimaryButton>
        </div>
      </form>
    </SettingsCard>
  );
}

function AutoReplySection({ account, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const s = useSave(onSaved);
  const [enabled, setEnabled] = useState(account.autoReply.enabled);
  const [text, setText] = useState(account.autoReply.text ?? "");
  const [from, setFrom] = useState(toDateInput(account.autoReply.from));
  const [to, setTo] = useState(toDateInput(account.autoReply.to));
  const periodError = from && to && to < from ? t("settings.errors.auto_reply_period_invalid") : undefined;
  const textError = enabled && !text.trim() ? t("settings.errors.auto_reply_text_required") : undefined;

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (periodError || textError) return;
    void s.save({
      autoReply: { enabled, text: text.trim() ? text : null, from: fromDateInput(from), to: fromDateInput(to, true) },
    });
  };
  return (
    <SettingsCard
      id="auto-reply"
      title={t("settings.options.autoReplyTitle")}
      lead={t("settings.options.autoReplyLead")}
    >
      <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
        <Toggle
          label={t("settings.options.autoReplyEnabled")}
          checked={enabled}
          onText={t("settings.on")}
          offText={t("settings.off")}
          onChange={(_, checked) => {
            setEnabled(Boolean(checked));
            s.touch();
          }}
          data-testid="auto-reply-enabled"
        />
        <TextField
          label={t("settings.options.autoReplyText")}
          multiline
          rows={4}
          autoAdjustHeight
          maxLength={4000}
          value={text}
          onChange={(_, v) => {
            setText(v ?? "");
            s.touch();
          }}
          errorMessage={textError}
          data-testid="auto-reply-text"
        />
        <div style={{ display: "flex", flexWrap: "wrap", gap: "14px 20px" }}>
          <TextField
            label={t("settings.options.from")}
            type="date"
            value={from}
            onChange={(_, v) => {
              setFrom(v ?? "");
              s.touch();
            }}
            description={t("settings.options.fromHelp")}
            styles={{ root: { flex: "1 1 180px", maxWidth: 260 } }}
            data-testid="auto-reply-from"
          />
          <TextField
            label={t("settings.options.to")}
            type="date"
            value={to}
            min={from || undefined}
            onChange={(_, v) => {
              setTo(v ?? "");
              s.touch();
            }}
            description={t("settings.options.toHelp")}
            errorMessage={periodError}
            styles={{ root: { flex: "1 1 180px", maxWidth: 260 } }}
            data-testid="auto-reply-to"
          />
        </div>
        <SettingsError error={s.error} />
        <SettingsSuccess text={s.saved ? t("settings.saved") : null} testId="auto-reply-saved" />
        <div className={formClasses.actions}>
          <PrimaryButton
            type="submit"
            disabled={s.busy || Boolean(periodError) || Boolean(textError)}
            data-testid="auto-reply-save"
          >
            {t("settings.save")}
          </PrimaryButton>
        </div>
      </form>
    </SettingsCard>
  );
}

/** Options (F14, F20): neutral notifications, personal signature, auto-reply with a period. */
export function OptionsPage() {
  const { t } = useTranslation();
  const loaded = useLoad(accountApi.get);
  const [account, setAccount] = useState<Account | undefined>(undefined);
  useEffect(() => {
    if (loaded.data) setAccount(loaded.data);
  }, [loaded.data]);
  if (loaded.error) return <SettingsError error={loaded.error} />;
  if (!account) return <Spinner label={t("common.loading")} />;
  return (
    <>
      <NotificationsSection account={account} onSaved={setAccount} />
      <SignatureSection account={account} onSaved={setAccount} />
      <AutoReplySection account={account} onSaved={setAccount} />
    </>
  );
}
