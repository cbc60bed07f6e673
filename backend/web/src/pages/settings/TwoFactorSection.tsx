import { useState, type FormEvent } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi, type Confirmation, type TotpEnrolment, type TwoFactorStatus } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { OneTimeCodeField } from "../../components/OneTimeCodeField.js";
import { cleanCode, useAction } from "../../components/useAction.js";
import { SecondFactorConfirm, cleanConfirmation } from "./SecondFactorConfirm.js";
import { SettingsCard } from "./SettingsCard.js";
import { SmsCodeForm } from "./SmsCodeForm.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { formatDate, groupSecret } from "./format.js";
import { settingsClasses } from "./settingsStyles.js";

type Step =
  | { name: "idle" }
  | { name: "sms"; sentTo: string | null }
  | { name: "scan"; enrolment: TotpEnrolment }
  | { name: "disable" };

interface TwoFactorSectionProps {
  status: TwoFactorStatus;
  onChanged(): Promise<void>;
}

/**
 * Two-step verification with an authenticator app (F16): SMS code → QR code and secret →
 * first app code. Turning it off needs a second factor.
 */
export function TwoFactorSection({ status, onChanged }: TwoFactorSectionProps) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ name: "idle" });
  const [code, setCode] = useState("");
  const [confirmation, setConfirmation] = useState<Confirmation>({ method: "totp", code: "" });
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  const reset = (next: Step) => {
    setStep(next);
    setCode("");
    setError(null);
  };

  const handleSendSms = () =>
    run(async () => {
      const res = await accountApi.sendSmsCode("totp_enable");
      setStep({ name: "sms", sentTo: res.to });
    });

  const handleSmsCode = (smsCode: string) =>
    void run(async () => {
      const enrolment = await accountApi.startTotp(smsCode);
      reset({ name: "scan", enrolment });
    });

  const handleAppCode = (e: FormEvent) => {
    e.preventDefault();
    if (!cleanCode(code)) return;
    void run(async () => {
      await accountApi.confirmTotp(cleanCode(code));
      reset({ name: "idle" });
      setDone(t("settings.totp.enabled"));
      await onChanged();
    });
  };

  const handleDisable = (e: FormEvent) => {
    e.preventDefault();
    const c = cleanConfirmation(status.methods, confirmation);
    if (!c.code) return;
    void run(async () => {
      await accountApi.disableTotp(c);
      reset({ name: "idle" });
      setConfirmation({ method: "totp", code: "" });
      setDone(t("settings.totp.disabled"));
      await onChanged();
    });
  };

  const cancel = (
    <DefaultButton onClick={() => reset({ name: "idle" })} disabled={busy}>
      {t("settings.cancel")}
    </DefaultButton>
  );

  return (
    <SettingsCard id="totp" title={t("settings.totp.title")} lead={t("settings.totp.lead")}>
      <p className={settingsClasses.status} data-testid="totp-status">
        <span
          className={`${settingsClasses.badge} ${status.enabled ? settingsClasses.badgeOk : settingsClasses.badgeWarn}`}
        >
          {status.enabled ? t("settings.totp.on") : t("settings.totp.off")}
        </span>
        <span>
          {status.enabled && status.totp.enabledAt
            ? t("settings.totp.onSince", { date: formatDate(status.totp.enabledAt) })
            : status.enabled
              ? ""
              : t("settings.totp.offText")}
        </span>
      </p>
      <SettingsSuccess text={step.name === "idle" ? done : null} testId="totp-done" />

      {step.name === "idle" && !status.enabled ? (
        <div className={formClasses.actions}>
          <PrimaryButton
            onClick={() => {
              setDone(null);
              reset({ name: "sms", sentTo: null });
            }}
            data-testid="totp-enable"
          >
            {t("settings.totp.enable")}
          </PrimaryButton>
        </div>
      ) : null}
      {step.name === "idle" && status.enabled ? (
        <div className={formClasses.actions}>
          <DefaultButton
            onClick={() => {
              setDone(null);
              reset({ name: "disable" });
            }}
            data-testid="totp-disable"
          >
            {t("settings.totp.disable")}
          </DefaultButton>
        </div>
      ) : null}

      {step.name === "sms" ? (
        <SmsCodeForm
          lead={
            <>
              <strong>{t("settings.totp.step", { n: 1, of: 2 })}</strong>{" "}
              {t("settings.totp.smsLead", { to: status.mobile })}
            </>
          }
          sentTo={step.sentTo}
          onSend={() => void handleSendSms()}
          busy={busy}
          error={error}
          submitLabel={t("settings.next")}
          onSubmit={handleSmsCode}
          onCancel={() => reset({ name: "idle" })}
          testIds={{ send: "totp-send-sms", code: "totp-sms-code", submit: "totp-sms-next" }}
        />
      ) : null}

      {step.name === "scan" ? (
        <form className={formClasses.form} onSubmit={handleAppCode} noValidate>
          <p className={formClasses.lead}>
            <strong>{t("settings.totp.step", { n: 2, of: 2 })}</strong> {t("settings.totp.scanLead")}
          </p>
          <img
            className={settingsClasses.qr}
            src={step.enrolment.qrDataUrl}
            alt={t("settings.totp.qrAlt")}
            width={200}
            height={200}
            data-testid="totp-qr"
          />
          <div>
            <p className={formClasses.lead} style={{ marginBottom: 6 }}>
              {t("settings.totp.secretLead")}
            </p>
            <code
              className={settingsClasses.secret}
              data-testid="totp-secret"
              aria-label={t("settings.totp.secretLabel")}
            >
              {groupSecret(step.enrolment.secret)}
            </code>
          </div>
          <div className={settingsClasses.narrow}>
            <OneTimeCodeField
              label={t("settings.totp.appCode")}
              description={t("settings.totp.appCodeHelp")}
              value={code}
              onChange={setCode}
              numeric
              testId="totp-app-code"
            />
          </div>
          <SettingsError error={error} />
          <div className={formClasses.actions}>
            <PrimaryButton type="submit" disabled={busy || !cleanCode(code)} data-testid="totp-confirm">
              {t("settings.totp.confirm")}
            </PrimaryButton>
            {cancel}
          </div>
        </form>
      ) : null}

      {step.name === "disable" ? (
        <form className={`${formClasses.form} ${settingsClasses.narrow}`} onSubmit={handleDisable} noValidate>
          <MessageBar messageBarType={MessageBarType.warning} isMultiline>
            {t("settings.totp.disableWarning")}
          </MessageBar>
          <SecondFactorConfirm
            methods={status.methods}
            value={confirmation}
            onChange={setConfirmation}
            idPrefix="totp-disable"
          />
          <SettingsError error={error} />
          <div className={formClasses.actions}>
            <PrimaryButton
              type="submit"
              disabled={busy || !confirmation.code.trim()}
              data-testid="totp-disable-confirm"
            >
              {t("settings.totp.disableSubmit")}
            </PrimaryButton>
            {cancel}
          </div>
        </form>
      ) : null}
    </SettingsCard>
  );
}
