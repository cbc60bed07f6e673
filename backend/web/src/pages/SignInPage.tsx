import { useState, type FormEvent } from "react";
import { Link as FluentLink, MessageBar, MessageBarType, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { authApi, type SecondFactorMethod } from "../api/auth.js";
import { CenteredCard } from "../components/CenteredCard.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { EmailStepForm } from "../components/EmailStepForm.js";
import { formClasses } from "../components/formStyles.js";
import { PasswordField } from "../components/PasswordField.js";
import { useSession } from "../session/SessionContext.js";
import { SecondFactorStep } from "./SecondFactorStep.js";
import { SecondFactorSetupStep } from "./SecondFactorSetupStep.js";

type Step =
  | { name: "email" }
  | { name: "password" }
  | { name: "second_factor"; methods: SecondFactorMethod[] }
  | { name: "second_factor_setup" };

/** Sign in: e-mail → Next → password → second factor when enabled (SPEC F15, F16). */
export function SignInPage() {
  const { t } = useTranslation();
  const { refresh, signedOut } = useSession();
  const [step, setStep] = useState<Step>({ name: "email" });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Once the session is full, SignedOutOnly sends the user on (to ?next= or the dashboard).
  const finish = async () => {
    if (!(await refresh())) setError(new Error("no session after sign-in"));
  };

  const handleEmail = () => {
    setError(null);
    setStep({ name: "password" });
  };

  const handlePassword = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return;
    setBusy(true);
    setError(null);
    try {
      const result = await authApi.login(email.trim(), password);
      setPassword("");
      if (result.next === "second_factor") {
        setStep({ name: "second_factor", methods: result.methods });
        setBusy(false);
        return;
      }
      if (result.next === "second_factor_setup") {
        setStep({ name: "second_factor_setup" });
        setBusy(false);
        return;
      }
      await finish();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const title =
    step.name === "second_factor"
      ? t("secondFactor.title")
      : step.name === "second_factor_setup"
        ? t("secondFactor.setupTitle")
        : t("signIn.title");
  return (
    <CenteredCard title={title}>
      {signedOut && step.name === "email" ? (
        <MessageBar messageBarType={MessageBarType.success} styles={{ root: { marginBottom: 12 } }}>
          {t("signIn.signedOut")}
        </MessageBar>
      ) : null}
      {step.name === "email" ? (
        <EmailStepForm
          label={t("signIn.email")}
          autoComplete="username"
          email={email}
          onEmailChange={setEmail}
          onNext={handleEmail}
          emailTestId="email"
          nextTestId="next"
        />
      ) : null}
      {step.name === "password" ? (
        <form className={formClasses.form} onSubmit={handlePassword} noValidate>
          <div className={formClasses.who}>
            <span data-testid="signin-email">{email.trim()}</span>
            <FluentLink
              onClick={() => {
                setStep({ name: "email" });
                setError(null);
              }}
            >
              {t("signIn.changeEmail")}
            </FluentLink>
          </div>
          {/* Lets password managers pair the password with the e-mail address. */}
          <input type="email" autoComplete="username" value={email.trim()} readOnly hidden />
          <PasswordField
            label={t("signIn.password")}
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            autoFocus
            testId="password"
          />
          <ErrorMessage error={error} email={email.trim()} />
          <div className={formClasses.actions}>
            <PrimaryButton type="submit" disabled={busy || !password} data-testid="sign-in">
              {t("signIn.submit")}
            </PrimaryButton>
          </div>
        </form>
      ) : null}
      {step.name === "second_factor" ? (
        <SecondFactorStep
          methods={step.methods}
          onDone={() => void finish()}
          onExpired={(err) => {
            setStep({ name: "password" });
            setError(err);
          }}
        />
      ) : null}
      {step.name === "second_factor_setup" ? <SecondFactorSetupStep onDone={finish} /> : null}
      {step.name === "password" || step.name === "email" ? (
        <div className={formClasses.links}>
          <Link to="/forgot-password" state={{ email: email.trim() }}>
            {t("signIn.forgotPassword")}
          </Link>
        </div>
      ) : null}
    </CenteredCard>
  );
}
