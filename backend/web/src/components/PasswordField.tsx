import { TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";

interface PasswordFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** "current-password" to sign in or confirm; "new-password" lets the browser suggest one. */
  autoComplete: "current-password" | "new-password";
  /** The id of the password rules shown under the field. */
  rulesId?: string;
  autoFocus?: boolean;
  testId: string;
}

/** A required password field with the button that shows what was typed. */
export function PasswordField(props: PasswordFieldProps) {
  const { t } = useTranslation();
  return (
    <TextField
      label={props.label}
      type="password"
      canRevealPassword
      revealPasswordAriaLabel={t("signIn.showPassword")}
      value={props.value}
      onChange={(_, v) => props.onChange(v ?? "")}
      autoComplete={props.autoComplete}
      aria-describedby={props.rulesId}
      autoFocus={props.autoFocus}
      required
      data-testid={props.testId}
    />
  );
}
