import { TextField } from "@fluentui/react";

interface OneTimeCodeFieldProps {
  label: string;
  description?: string;
  value: string;
  onChange(value: string): void;
  /** Digits only (SMS and app codes): the phone keyboard shows numbers. */
  numeric?: boolean;
  autoFocus?: boolean;
  testId: string;
}

/** The one text field for an SMS, app or one-time code, filled in by the browser where it can. */
export function OneTimeCodeField({
  label,
  description,
  value,
  onChange,
  numeric,
  autoFocus,
  testId,
}: OneTimeCodeFieldProps) {
  return (
    <TextField
      label={label}
      description={description}
      value={value}
      onChange={(_, v) => onChange(v ?? "")}
      autoComplete="one-time-code"
      inputMode={numeric ? "numeric" : "text"}
      autoFocus={autoFocus}
      required
      data-testid={testId}
    />
  );
}
