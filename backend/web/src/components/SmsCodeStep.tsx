import { useState, type FormEvent, type ReactNode } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { OneTimeCodeField } from "./OneTimeCodeField.js";
import { cleanCode } from "./useAction.js";
import { formClasses } from "./formStyles.js";

interface SmsCodeStepProps {
  /** The number the code went to, when the server tells it. */
  mobile: string | null;
  /** The failure of the last request, already rendered (MailError). */
  error?: ReactNode;
  busy: boolean;
  /** Called on submit with the typed code, without spaces. */
  onVerify(code: string): void;
  onResend(): void;
  /** Whether a new code was just sent. */
  resent: boolean;
  /** A note on how many codes can be had, under the buttons. */
  codeLimits?: string;
  /** The sentence before the "Notify the sender" button. */
  wrongNumberText: string;
  /** "busy" and "done" disable the button; "done" shows `notifiedText`. */
  reported: "no" | "busy" | "done";
  onWrongNumber(): void;
  notifiedText: string;
  /** The failure of reporting the wrong number, already rendered (MailError). */
  reportError?: ReactNode;
  /** Test ids: `{testIdPrefix}-code`, `-verify`, `-resend` and `-code-limits`. */
  testIdPrefix: string;
  wrongNumberTestId: string;
  notifiedTestId: string;
}

/**
 * The middle step of joining by a link (the recipient's link from a notification, an invitation):
 * type the code sent by SMS, or ask for a new one, or tell the sender the number is wrong.
 */
export function SmsCodeStep(props: SmsCodeStepProps) {
  const { t } = useTranslation();
  const { mobile, testIdPrefix } = props;
  const [code, setCode] = useState("");

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (code.trim()) props.onVerify(cleanCode(code));
  };

  return (
    <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
      <MessageBar messageBarType={MessageBarType.info} isMultiline>
        {mobile ? t("mail.recipient.codeSentTo", { mobile }) : t("mail.recipient.codeSent")}
      </MessageBar>
      <OneTimeCodeField
        label={t("secondFactor.codeLabel.sms")}
        description={t("secondFactor.codeHelp.sms")}
        value={code}
        onChange={setCode}
        numeric
        autoFocus
        testId={`${testIdPrefix}-code`}
      />
      {props.error}
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={props.busy || !code.trim()} data-testid={`${testIdPrefix}-verify`}>
          {t("secondFactor.verify")}
        </PrimaryButton>
        <DefaultButton onClick={props.onResend} disabled={props.busy} data-testid={`${testIdPrefix}-resend`}>
          {t("mail.recipient.resend")}
        </DefaultButton>
      </div>
      {props.resent ? <p role="status">{t("mail.recipient.resent")}</p> : null}
      {props.codeLimits ? (
        <p className={formClasses.lead} data-testid={`${testIdPrefix}-code-limits`}>
          {props.codeLimits}
        </p>
      ) : null}
      <div className={formClasses.links}>
        <p className={formClasses.lead} style={{ margin: 0 }}>
          {props.wrongNumberText}
        </p>
        <div>
          <DefaultButton
            onClick={props.onWrongNumber}
            disabled={props.reported !== "no"}
            data-testid={props.wrongNumberTestId}
          >
            {t("mail.recipient.notifySender")}
          </DefaultButton>
        </div>
        {props.reported === "done" ? (
          <MessageBar messageBarType={MessageBarType.success} isMultiline data-testid={props.notifiedTestId}>
            {props.notifiedText}
          </MessageBar>
        ) : null}
        {props.reportError}
      </div>
    </form>
  );
}
