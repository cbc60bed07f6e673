import { useState, type FormEvent, type ReactNode } from "react";
import { PrimaryButton, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { formClasses } from "./formStyles.js";

/** A loose shape check (something@something.tld); the server has the last word. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

interface EmailStepFormProps {
  /** A sentence above the field. */
  lead?: string;
  label: string;
  autoComplete: "username" | "email";
  email: string;
  onEmailChange(email: string): void;
  /** A problem the server found with the address (the format is checked here). */
  emailError?: string;
  /** The failure of the last request, already rendered (ErrorMessage or MailError). */
  error?: ReactNode;
  busy?: boolean;
  /** Called on "Next" once the address looks like an e-mail address. */
  onNext(): void;
  emailTestId: string;
  nextTestId: string;
}

/**
 * The e-mail step of sign-in, forgot password and the recipient's link: one address field
 * checked for its format, then "Next".
 */
export function EmailStepForm(props: EmailStepFormProps) {
  const { t } = useTranslation();
  const [formatError, setFormatError] = useState<string | undefined>();

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!looksLikeEmail(props.email)) {
      setFormatError(t("signIn.emailInvalid"));
      return;
    }
    setFormatError(undefined);
    props.onNext();
  };

  return (
    <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
      {props.lead ? <p className={formClasses.lead}>{props.lead}</p> : null}
      <TextField
        label={props.label}
        type="email"
        value={props.email}
        onChange={(_, v) => props.onEmailChange(v ?? "")}
        autoComplete={props.autoComplete}
        errorMessage={formatError ?? props.emailError}
        autoFocus
        required
        data-testid={props.emailTestId}
      />
      {props.error}
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={props.busy} data-testid={props.nextTestId}>
          {t("signIn.next")}
        </PrimaryButton>
      </div>
    </form>
  );
}
