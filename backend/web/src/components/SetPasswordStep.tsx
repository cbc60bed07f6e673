import type { FormEvent, ReactNode } from "react";
import { Checkbox, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { PasswordField } from "./PasswordField.js";
import { PasswordRules } from "./PasswordRules.js";
import { formClasses } from "./formStyles.js";
import { passwordRulesOk } from "../passwordRules.js";

interface SetPasswordStepProps {
  /** A sentence above the field. */
  lead: string;
  /** The account's address, for the browser's password manager (a hidden username field). */
  username: string;
  password: string;
  onPasswordChange(password: string): void;
  terms: boolean;
  onTermsChange(accepted: boolean): void;
  /** A short summary of the terms under the checkbox. */
  termsSummary?: string;
  /** The failure of the last request, already rendered (MailError). */
  error?: ReactNode;
  busy: boolean;
  submitLabel: string;
  /** Called on submit once the password meets the rules and the terms are accepted. */
  onSubmit(): void;
  /** Test ids: `{testIdPrefix}-password` and `{testIdPrefix}-terms`. */
  testIdPrefix: string;
  submitTestId: string;
}

/**
 * The last step of joining by a link (the recipient's link from a notification, an invitation):
 * choose a password, shown against the rules as it is typed, and accept the terms.
 */
export function SetPasswordStep(props: SetPasswordStepProps) {
  const { t } = useTranslation();
  const ready = props.terms && passwordRulesOk(props.password);
  const rulesId = `${props.testIdPrefix}-password-rules`;

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) props.onSubmit();
  };

  return (
    <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
      <p className={formClasses.lead}>{props.lead}</p>
      <input type="email" autoComplete="username" value={props.username} readOnly hidden />
      <PasswordField
        label={t("mail.recipient.password")}
        value={props.password}
        onChange={props.onPasswordChange}
        autoComplete="new-password"
        rulesId={rulesId}
        autoFocus
        testId={`${props.testIdPrefix}-password`}
      />
      <PasswordRules password={props.password} id={rulesId} />
      <Checkbox
        label={t("mail.recipient.acceptTerms")}
        checked={props.terms}
        onChange={(_, v) => props.onTermsChange(!!v)}
        data-testid={`${props.testIdPrefix}-terms`}
      />
      {props.termsSummary ? (
        <p className={formClasses.lead} style={{ fontSize: 14 }}>
          {props.termsSummary}
        </p>
      ) : null}
      {props.error}
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={props.busy || !ready} data-testid={props.submitTestId}>
          {props.submitLabel}
        </PrimaryButton>
      </div>
    </form>
  );
}
