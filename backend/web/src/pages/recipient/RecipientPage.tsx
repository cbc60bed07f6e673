import { useState } from "react";
import { PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client.js";
import { recipientApi, sharedLinkApi } from "../../api/messages.js";
import { CenteredCard, NoticeCard } from "../../components/CenteredCard.js";
import { EmailStepForm } from "../../components/EmailStepForm.js";
import { MailError } from "../mailbox/mailErrors.js";
import { SetPasswordStep } from "../../components/SetPasswordStep.js";
import { SmsCodeStep } from "../../components/SmsCodeStep.js";
import { formClasses } from "../../components/formStyles.js";
import { useSession } from "../../session/SessionContext.js";

type Step = "email" | "code" | "password" | "sign_in" | "gone" | "invalid";

/** The link's own failures become a calm page of their own instead of a red bar. */
function linkProblem(err: unknown): "gone" | "invalid" | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 410) return "gone";
  if (err.status === 404 || err.id === "invalid_link") return "invalid";
  return null;
}

/**
 * The recipient's link from the notification e-mail (F9): confirm the e-mail address → SMS
 * code (resend) → choose a password → accept the terms → the message. People who already
 * have an account sign in instead; expired, burned and unknown links get a friendly page.
 * `shared`: the one link of the Outlook e-mail sent from the add-in (/m/{token}, issue 12),
 * the same for all recipients; every step names the address the visitor confirmed.
 */
export function RecipientPage({ shared = false }: { shared?: boolean }) {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const { user, refresh } = useSession();
  const [step, setStep] = useState<Step>("email");
  const [email, setEmail] = useState("");
  const [emailError, setEmailError] = useState<string | undefined>();
  const [mobile, setMobile] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const [reported, setReported] = useState<"no" | "busy" | "done">("no");
  const [reportError, setReportError] = useState<unknown>(null);
  const [password, setPassword] = useState("");
  const [terms, setTerms] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fail = (err: unknown) => {
    const problem = linkProblem(err);
    if (problem) setStep(problem);
    else setError(err);
  };

  const start = async (): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const result = shared
        ? await sharedLinkApi.start(token, email.trim())
        : await recipientApi.start(token, email.trim());
      if (result.next === "sign_in") {
        setStep("sign_in");
        return false;
      }
      setMobile(result.mobile ?? null);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.id === "email_mismatch") setEmailError(t("mail.recipient.emailMismatch"));
      else fail(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const handleEmail = async () => {
    setEmailError(undefined);
    if (await start()) setStep("code");
  };

  const handleResend = async () => {
    setResent(false);
    if (await start()) setResent(true);
  };

  const handleWrongNumber = async () => {
    setReported("busy");
    setReportError(null);
    try {
      await (shared ? sharedLinkApi : recipientApi).wrongNumber(token, email.trim());
      setReported("done");
    } catch (err) {
      setReportError(err);
      setReported("no");
    }
  };

  const handleCode = async (code: string) => {
    setBusy(true);
    setError(null);
    try {
      await (shared ? sharedLinkApi.verify(token, email.trim(), code) : recipientApi.verify(token, code));
      setStep("password");
    } catch (err) {
      if (err instanceof ApiError && err.id === "account_exists") setStep("sign_in");
      else fail(err);
    } finally {
      setBusy(false);
    }
  };

  const handleRegister = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = shared
        ? await sharedLinkApi.register(token, email.trim(), password, true)
        : await recipientApi.register(token, password, true);
      setPassword("");
      await refresh();
      navigate(`/mailbox/inbox/${result.messageId}`, { replace: true });
    } catch (err) {
      // The code step starts again with an empty field.
      if (err instanceof ApiError && err.id === "verification_required") setStep("code");
      fail(err);
      setBusy(false);
    }
  };

  if (step === "gone" || step === "invalid") {
    return (
      <NoticeCard
        title={t(`mail.recipient.${step}.title`)}
        text={t(`mail.recipient.${step}.text`)}
        testId={`link-${step}`}
      >
        <Link to={user ? "/mailbox" : "/login"}>
          {user ? t("mail.recipient.toMailbox") : t("mail.recipient.toSignIn")}
        </Link>
      </NoticeCard>
    );
  }

  if (step === "sign_in") {
    return (
      <NoticeCard
        title={t("mail.recipient.signIn.title")}
        text={t("mail.recipient.signIn.text")}
        testId="recipient-sign-in"
      >
        <div className={formClasses.actions}>
          <PrimaryButton
            onClick={() => navigate(user ? "/mailbox/inbox" : `/login?next=${encodeURIComponent("/mailbox/inbox")}`)}
          >
            {user ? t("mail.recipient.toMailbox") : t("mail.recipient.toSignIn")}
          </PrimaryButton>
        </div>
      </NoticeCard>
    );
  }

  const stepNumber = step === "email" ? 1 : step === "code" ? 2 : 3;
  return (
    <CenteredCard title={t("mail.recipient.title")}>
      <p className={formClasses.lead} aria-live="polite">
        {t("mail.recipient.stepOf", { step: stepNumber, total: 3 })}
      </p>
      {step === "email" ? (
        <EmailStepForm
          lead={t("mail.recipient.emailLead")}
          label={t("mail.recipient.email")}
          autoComplete="email"
          email={email}
          onEmailChange={setEmail}
          emailError={emailError}
          error={<MailError error={error} />}
          busy={busy}
          onNext={() => void handleEmail()}
          emailTestId="recipient-email"
          nextTestId="recipient-next"
        />
      ) : null}
      {step === "code" ? (
        <SmsCodeStep
          mobile={mobile}
          error={<MailError error={error} />}
          busy={busy}
          onVerify={(code) => void handleCode(code)}
          onResend={() => void handleResend()}
          resent={resent}
          codeLimits={t("mail.recipient.codeLimits")}
          wrongNumberText={t("mail.recipient.wrongNumber")}
          reported={reported}
          onWrongNumber={() => void handleWrongNumber()}
          notifiedText={t("mail.recipient.notified")}
          reportError={<MailError error={reportError} />}
          testIdPrefix="recipient"
          wrongNumberTestId="wrong-number"
          notifiedTestId="wrong-number-sent"
        />
      ) : null}
      {step === "password" ? (
        <SetPasswordStep
          lead={t("mail.recipient.passwordLead")}
          username={email.trim()}
          password={password}
          onPasswordChange={setPassword}
          terms={terms}
          onTermsChange={setTerms}
          termsSummary={t("mail.recipient.termsSummary")}
          error={<MailError error={error} />}
          busy={busy}
          submitLabel={t("mail.recipient.register")}
          onSubmit={() => void handleRegister()}
          testIdPrefix="recipient"
          submitTestId="recipient-register"
        />
      ) : null}
    </CenteredCard>
  );
}
