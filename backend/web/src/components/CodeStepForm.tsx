import { useState, type FormEvent, type ReactNode } from "react";
import { ChoiceGroup, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { authApi } from "../api/auth.js";
import { cleanCode } from "./useAction.js";
import { ErrorMessage } from "./ErrorMessage.js";
import { OneTimeCodeField } from "./OneTimeCodeField.js";
import { SendSmsButton } from "./SendSmsButton.js";
import { formClasses } from "./formStyles.js";

/** The kinds of code a sign-in step takes. */
export type CodeKind = "totp" | "sms" | "backup_code";

interface CodeKindChoiceProps<K extends CodeKind> {
  label: string;
  kinds: readonly K[];
  kindText(kind: K): string;
  selected: K;
  onChange(kind: K): void;
}

/** Radio buttons for the kind of code (app, SMS, one-time code); nothing when there is one kind. */
export function CodeKindChoice<K extends CodeKind>({
  label,
  kinds,
  kindText,
  selected,
  onChange,
}: CodeKindChoiceProps<K>) {
  if (kinds.length < 2) return null;
  return (
    <ChoiceGroup
      label={label}
      selectedKey={selected}
      options={kinds.map((k) => ({ key: k, text: kindText(k) }))}
      onChange={(_, option) => option && onChange(option.key as K)}
    />
  );
}

interface CodeStepFormProps<K extends CodeKind> {
  lead: string;
  /** The kinds on offer, the first chosen at the start. */
  kinds: readonly K[];
  kindLabel: string;
  kindText(kind: K): string;
  /** Whether the code field shows the help line for its kind. */
  withHelp?: boolean;
  autoFocus?: boolean;
  /** Called when the user picks another kind (the typed code is cleared). */
  onKindChange?(kind: K): void;
  /** A failure while sending the SMS code (the form shows `error`). */
  onSmsError(err: unknown): void;
  busy: boolean;
  error: unknown;
  submitLabel: string;
  submitTestId: string;
  /** The code without spaces, with its kind. */
  onSubmit(kind: K, code: string): void;
  /** Links under the button. */
  children?: ReactNode;
}

/**
 * The code step of sign-in and of recovery (both after the password step, on the partial
 * session): choose the kind of code, ask for an SMS when that is the kind, type the code, verify.
 */
export function CodeStepForm<K extends CodeKind>(props: CodeStepFormProps<K>) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<K>(props.kinds[0]);
  const [code, setCode] = useState("");
  const [smsSent, setSmsSent] = useState(false);
  const [sending, setSending] = useState(false);
  const busy = props.busy || sending;

  const handleSendSms = async () => {
    setSending(true);
    try {
      await authApi.sendLoginSms();
      setSmsSent(true);
    } catch (err) {
      props.onSmsError(err);
    } finally {
      setSending(false);
    }
  };

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    props.onSubmit(kind, cleanCode(code));
  };

  return (
    <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
      <p className={formClasses.lead}>{props.lead}</p>
      <CodeKindChoice
        label={props.kindLabel}
        kinds={props.kinds}
        kindText={props.kindText}
        selected={kind}
        onChange={(next) => {
          setKind(next);
          setCode("");
          props.onKindChange?.(next);
        }}
      />
      {kind === "sms" ? (
        <SendSmsButton
          sent={smsSent}
          sendLabel={t("secondFactor.sendSms")}
          resendLabel={t("secondFactor.resendSms")}
          sentText={t("secondFactor.smsSent")}
          disabled={busy}
          onSend={() => void handleSendSms()}
          testId="send-sms"
        />
      ) : null}
      <OneTimeCodeField
        label={t(`secondFactor.codeLabel.${kind}`)}
        description={props.withHelp ? t(`secondFactor.codeHelp.${kind}`) : undefined}
        value={code}
        onChange={setCode}
        numeric={kind !== "backup_code"}
        autoFocus={props.autoFocus}
        testId="code"
      />
      <ErrorMessage error={props.error} />
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={busy || !code.trim()} data-testid={props.submitTestId}>
          {props.submitLabel}
        </PrimaryButton>
      </div>
      {props.children}
    </form>
  );
}
