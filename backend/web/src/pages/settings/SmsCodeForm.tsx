import { useState, type FormEvent, type ReactNode } from "react";
import { DefaultButton, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { formClasses } from "../../components/formStyles.js";
import { OneTimeCodeField } from "../../components/OneTimeCodeField.js";
import { SendSmsButton } from "../../components/SendSmsButton.js";
import { cleanCode } from "../../components/useAction.js";
import { SettingsError } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";

interface SmsCodeFormProps {
  /** What the code is for, above the button. */
  lead: ReactNode;
  /** A warning between the lead and the button. */
  children?: ReactNode;
  /** Where the last code went (masked), or null before the first. */
  sentTo: string | null;
  onSend(): void;
  busy: boolean;
  error: unknown;
  submitLabel: string;
  /** The code without spaces. */
  onSubmit(code: string): void;
  onCancel(): void;
  testIds: { send: string; code: string; submit: string };
}

/**
 * A settings step confirmed by an SMS code to the primary phone (turning on the authenticator,
 * new one-time codes): send the code, type it, go on or cancel.
 */
export function SmsCodeForm(props: SmsCodeFormProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState("");

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!cleanCode(code)) return;
    props.onSubmit(cleanCode(code));
  };

  return (
    <form className={`${formClasses.form} ${settingsClasses.narrow}`} onSubmit={handleSubmit} noValidate>
      <p className={formClasses.lead}>{props.lead}</p>
      {props.children}
      <SendSmsButton
        sent={!!props.sentTo}
        sendLabel={t("settings.confirm.sendSms")}
        resendLabel={t("settings.confirm.resendSms")}
        sentText={t("settings.confirm.smsSent", { to: props.sentTo })}
        disabled={props.busy}
        onSend={props.onSend}
        testId={props.testIds.send}
      />
      <OneTimeCodeField
        label={t("settings.confirm.codeLabel.sms")}
        value={code}
        onChange={setCode}
        numeric
        testId={props.testIds.code}
      />
      <SettingsError error={props.error} />
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={props.busy || !cleanCode(code)} data-testid={props.testIds.submit}>
          {props.submitLabel}
        </PrimaryButton>
        <DefaultButton onClick={props.onCancel} disabled={props.busy}>
          {t("settings.cancel")}
        </DefaultButton>
      </div>
    </form>
  );
}
