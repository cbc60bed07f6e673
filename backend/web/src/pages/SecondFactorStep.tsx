import { useState, type FormEvent } from "react";
import {
  ChoiceGroup,
  DefaultButton,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  TextField,
  type IChoiceGroupOption,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { authApi, type SecondFactorMethod } from "../api/auth.js";
import { ApiError } from "../api/client.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { formClasses } from "../components/formStyles.js";

interface SecondFactorStepProps {
  methods: SecondFactorMethod[];
  onDone(): void;
  /** The partial sign-in session is gone (expired): start again from the password. */
  onExpired(err: unknown): void;
}

const order: SecondFactorMethod[] = ["totp", "sms", "backup_code"];

/** The second sign-in step: authenticator app, SMS code (sent on request) or one-time code. */
export function SecondFactorStep({ methods, onDone, onExpired }: SecondFactorStepProps) {
  const { t } = useTranslation();
  const available = order.filter((m) => methods.includes(m));
  const [method, setMethod] = useState<SecondFactorMethod>(available[0] ?? "totp");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [smsSent, setSmsSent] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) onExpired(err);
    else setError(err);
  };

  const options: IChoiceGroupOption[] = available.map((m) => ({ key: m, text: t(`secondFactor.method.${m}`) }));

  const handleSendSms = async () => {
    setBusy(true);
    setError(null);
    try {
      await authApi.sendLoginSms();
      setSmsSent(true);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await authApi.secondFactor(method, code.trim().replace(/\s+/g, ""));
      onDone();
    } catch (err) {
      fail(err);
      setBusy(false);
    }
  };

  return (
    <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
      <p className={formClasses.lead}>{t("secondFactor.lead")}</p>
      {options.length > 1 ? (
        <ChoiceGroup
          label={t("secondFactor.chooseMethod")}
          options={options}
          selectedKey={method}
          onChange={(_, option) => {
            if (!option) return;
            setMethod(option.key as SecondFactorMethod);
            setCode("");
            setError(null);
          }}
        />
      ) : null}
      {method === "sms" ? (
        <div>
          <DefaultButton onClick={() => void handleSendSms()} disabled={busy} data-testid="send-sms">
            {smsSent ? t("secondFactor.resendSms") : t("secondFactor.sendSms")}
          </DefaultButton>
          {smsSent ? (
            <MessageBar messageBarType={MessageBarType.success} styles={{ root: { marginTop: 8 } }}>
              {t("secondFactor.smsSent")}
            </MessageBar>
          ) : null}
        </div>
      ) : null}
      <TextField
        label={t(`secondFactor.codeLabel.${method}`)}
        description={t(`secondFactor.codeHelp.${method}`)}
        value={code}
        onChange={(_, v) => setCode(v ?? "")}
        autoComplete="one-time-code"
        inputMode={method === "backup_code" ? "text" : "numeric"}
        autoFocus
        required
        data-testid="code"
      />
      <ErrorMessage error={error} />
      <div className={formClasses.actions}>
        <PrimaryButton type="submit" disabled={busy || !code.trim()} data-testid="verify">
          {t("secondFactor.verify")}
        </PrimaryButton>
      </div>
      {methods.includes("totp") ? (
        <div className={formClasses.links}>
          <Link to="/recovery">{t("secondFactor.lostAuthenticator")}</Link>
        </div>
      ) : null}
    </form>
  );
}
