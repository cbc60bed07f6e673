import { useState, type FormEvent } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { authApi } from "../api/auth.js";
import { CenteredCard } from "../components/CenteredCard.js";
import { CodeKindChoice } from "../components/CodeStepForm.js";
import { EmailStepForm } from "../components/EmailStepForm.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { OneTimeCodeField } from "../components/OneTimeCodeField.js";
import { cleanCode } from "../components/useAction.js";
import { PasswordField } from "../components/PasswordField.js";
import { PasswordRules } from "../components/PasswordRules.js";
import { formClasses } from "../components/formStyles.js";
import { passwordRulesOk } from "../passwordRules.js";

type Step = "email" | "reset" | "done";
type ResetKind = "sms" | "backup_code";
const resetKinds: readonly ResetKind[] = ["sms", "backup_code"];

/** Forgot password: e-mail → SMS code or one-time code plus a new password (SPEC F15, F19). */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const initialEmail = (location.state as { email?: string } | null)?.email ?? "";
  const [step, setStep] = useState<Step>("email");
  const [email, setEmail] = useState(initialEmail);
  const [kind, setKind] = useState<ResetKind>("sms");
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [resent, setResent] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const requestCode = async () => {
    setBusy(true);
    setError(null);
    try {
      await authApi.requestPasswordReset(email.trim());
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const handleEmail = async () => {
    if (await requestCode()) setStep("reset");
  };

  const handleResend = async () => {
    setResent(false);
    if (await requestCode()) setResent(true);
  };

  const handleReset = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim() || !passwordRulesOk(password)) return;
    setBusy(true);
    setError(null);
    try {
      await authApi.confirmPasswordReset(email.trim(), cleanCode(code), password);
      setPassword("");
      setStep("done");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <CenteredCard title={t("forgot.title")}>
      {step === "email" ? (
        <EmailStepForm
          lead={t("forgot.lead")}
          label={t("signIn.email")}
          autoComplete="username"
          email={email}
          onEmailChange={setEmail}
          error={<ErrorMessage error={error} />}
          busy={busy}
          onNext={() => void handleEmail()}
          emailTestId="email"
          nextTestId="next"
        />
      ) : null}
      {step === "reset" ? (
        <form className={formClasses.form} onSubmit={handleReset} noValidate>
          <MessageBar messageBarType={MessageBarType.info} isMultiline>
            {t("forgot.codeSent", { email: email.trim() })}
          </MessageBar>
          <CodeKindChoice
            label={t("forgot.codeKind")}
            kinds={resetKinds}
            kindText={(k) => t(`forgot.kind.${k}`)}
            selected={kind}
            onChange={(k) => {
              setKind(k);
              setCode("");
            }}
          />
          <OneTimeCodeField
            label={t(`secondFactor.codeLabel.${kind}`)}
            value={code}
            onChange={setCode}
            numeric={kind === "sms"}
            testId="code"
          />
          {kind === "sms" ? (
            <div>
              <DefaultButton onClick={() => void handleResend()} disabled={busy}>
                {t("forgot.resend")}
              </DefaultButton>
              {resent ? <p role="status">{t("forgot.resent")}</p> : null}
            </div>
          ) : null}
          <PasswordField
            label={t("forgot.newPassword")}
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            rulesId="new-password-rules"
            testId="new-password"
          />
          <PasswordRules password={password} id="new-password-rules" />
          <ErrorMessage error={error} />
          <div className={formClasses.actions}>
            <PrimaryButton
              type="submit"
              disabled={busy || !code.trim() || !passwordRulesOk(password)}
              data-testid="save-password"
            >
              {t("forgot.submit")}
            </PrimaryButton>
          </div>
        </form>
      ) : null}
      {step === "done" ? (
        <div className={formClasses.form}>
          <MessageBar messageBarType={MessageBarType.success} isMultiline data-testid="reset-done">
            {t("forgot.done")}
          </MessageBar>
          <div className={formClasses.actions}>
            <Link to="/login">{t("forgot.toSignIn")}</Link>
          </div>
        </div>
      ) : null}
      {step !== "done" ? (
        <div className={formClasses.links}>
          <Link to="/login">{t("forgot.back")}</Link>
        </div>
      ) : null}
    </CenteredCard>
  );
}
