import { useId, useState } from "react";
import { ChoiceGroup, MessageBar, MessageBarType, type IChoiceGroupOption } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi, type Confirmation } from "../../api/account.js";
import type { SecondFactorMethod } from "../../api/auth.js";
import { OneTimeCodeField } from "../../components/OneTimeCodeField.js";
import { SendSmsButton } from "../../components/SendSmsButton.js";
import { cleanCode } from "../../components/useAction.js";
import { SettingsError } from "./SettingsError.js";

interface SecondFactorConfirmProps {
  /** The factors the user has (GET /api/account/2fa `methods`). */
  methods: SecondFactorMethod[];
  value: Confirmation;
  onChange(value: Confirmation): void;
  /** Distinguishes several confirmations on one page (test ids). */
  idPrefix: string;
}

const order: SecondFactorMethod[] = ["totp", "sms", "backup_code"];

/**
 * Asks for a second factor before a sensitive change (add or remove a phone, turn off the
 * authenticator, delete the account): app code, SMS code (sent on request) or one-time code.
 */
export function SecondFactorConfirm({ methods, value, onChange, idPrefix }: SecondFactorConfirmProps) {
  const { t } = useTranslation();
  const available = order.filter((m) => methods.includes(m));
  const [sent, setSent] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const legendId = useId();

  if (available.length === 0) {
    return <MessageBar messageBarType={MessageBarType.warning}>{t("settings.confirm.none")}</MessageBar>;
  }
  const method = available.includes(value.method) ? value.method : available[0];
  const options: IChoiceGroupOption[] = available.map((m) => ({ key: m, text: t(`settings.confirm.method.${m}`) }));

  const handleSend = async () => {
    setSending(true);
    setError(null);
    try {
      const res = await accountApi.sendSmsCode("confirm");
      setSent(res.to);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <fieldset style={{ border: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: 10 }}>
      <legend id={legendId} style={{ fontWeight: 600, padding: 0, marginBottom: 6 }}>
        {t("settings.confirm.legend")}
      </legend>
      {available.length > 1 ? (
        <ChoiceGroup
          ariaLabelledBy={legendId}
          options={options}
          selectedKey={method}
          onChange={(_, option) => option && onChange({ method: option.key as SecondFactorMethod, code: "" })}
          data-testid={`${idPrefix}-method`}
        />
      ) : null}
      {method === "sms" ? (
        <SendSmsButton
          sent={!!sent}
          sendLabel={t("settings.confirm.sendSms")}
          resendLabel={t("settings.confirm.resendSms")}
          sentText={t("settings.confirm.smsSent", { to: sent })}
          disabled={sending}
          onSend={() => void handleSend()}
          testId={`${idPrefix}-send-sms`}
        />
      ) : null}
      <SettingsError error={error} />
      <OneTimeCodeField
        label={t(`settings.confirm.codeLabel.${method}`)}
        value={value.code}
        onChange={(code) => onChange({ method, code })}
        numeric={method !== "backup_code"}
        testId={`${idPrefix}-code`}
      />
    </fieldset>
  );
}

/** The confirmation as the API wants it: the method actually offered, the code without spaces. */
export function cleanConfirmation(methods: SecondFactorMethod[], value: Confirmation): Confirmation {
  const method = order.filter((m) => methods.includes(m)).includes(value.method)
    ? value.method
    : (order.find((m) => methods.includes(m)) ?? value.method);
  return { method, code: cleanCode(value.code) };
}
