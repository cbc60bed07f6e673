import { useEffect, useState } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton, Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client.js";
import { invitationJourneyApi, type PublicInvitation } from "../../api/invitation.js";
import { CenteredCard, NoticeCard } from "../../components/CenteredCard.js";
import { MailError } from "../mailbox/mailErrors.js";
import { SetPasswordStep } from "../../components/SetPasswordStep.js";
import { SmsCodeStep } from "../../components/SmsCodeStep.js";
import { formClasses } from "../../components/formStyles.js";
import { useSession } from "../../session/SessionContext.js";

type Step = "loading" | "answer" | "code" | "password" | "joined" | "declined" | "refused";
type Refusal =
  "invalid_invitation" | "invitation_expired" | "invitation_revoked" | "invitation_used" | "invitation_locked";
const refusals: readonly string[] = [
  "invalid_invitation",
  "invitation_expired",
  "invitation_revoked",
  "invitation_used",
  "invitation_locked",
];

/**
 * The invitation link from the e-mail (F23): *Yes please* or *No thanks* → SMS code to the
 * number the admin gave (resend; *Notify the sender* for a wrong number) → choose a password
 * and accept the terms → signed in, in the mailbox. A person who already has a Kuvert account
 * only confirms with the code and signs in as before. Expired, withdrawn and used links get a
 * page of their own.
 */
export function InvitationPage() {
  const { t } = useTranslation();
  const { token = "" } = useParams();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [step, setStep] = useState<Step>("loading");
  const [refusal, setRefusal] = useState<Refusal>("invalid_invitation");
  const [invitation, setInvitation] = useState<PublicInvitation | null>(null);
  const [mobile, setMobile] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const [reported, setReported] = useState<"no" | "busy" | "done">("no");
  const [password, setPassword] = useState("");
  const [terms, setTerms] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fail = (err: unknown) => {
    if (err instanceof ApiError && refusals.includes(err.id)) {
      setRefusal(err.id as Refusal);
      setStep("refused");
    } else setError(err);
  };

  useEffect(() => {
    let live = true;
    invitationJourneyApi.view(token).then(
      (v) => {
        if (!live) return;
        setInvitation(v);
        setStep("answer");
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && refusals.includes(err.id)) {
          setRefusal(err.id as Refusal);
          setStep("refused");
        } else {
          setError(err);
          setStep("answer");
        }
      },
    );
    return () => {
      live = false;
    };
  }, [token]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const handleYes = () =>
    run(async () => {
      const r = await invitationJourneyApi.accept(token);
      setMobile(r.mobile);
      setStep("code");
    });
  const handleNo = () =>
    run(async () => {
      await invitationJourneyApi.decline(token);
      setStep("declined");
    });
  const handleResend = () =>
    run(async () => {
      setResent(false);
      await invitationJourneyApi.accept(token);
      setResent(true);
    });
  const handleWrongNumber = async () => {
    setReported("busy");
    try {
      await invitationJourneyApi.wrongNumber(token);
      setReported("done");
    } catch (err) {
      setReported("no");
      fail(err);
    }
  };
  const handleCode = (code: string) => {
    void run(async () => {
      const r = await invitationJourneyApi.verify(token, code);
      setStep(r.next === "sign_in" ? "joined" : "password");
    });
  };
  const handleComplete = () => {
    void run(async () => {
      await invitationJourneyApi.complete(token, password, true);
      setPassword("");
      await refresh();
      navigate("/mailbox/inbox", { replace: true });
    });
  };

  if (step === "loading") {
    return (
      <CenteredCard title={t("mail.invitation.title")}>
        <Spinner label={t("common.loading")} />
      </CenteredCard>
    );
  }
  if (step === "refused") {
    return (
      <NoticeCard
        title={t(`mail.invitation.refused.${refusal}.title`)}
        text={t(`mail.invitation.refused.${refusal}.text`)}
        testId={`invitation-refused-${refusal}`}
      >
        <Link to="/login">{t("mail.recipient.toSignIn")}</Link>
      </NoticeCard>
    );
  }
  if (step === "declined") {
    return (
      <NoticeCard
        title={t("mail.invitation.declined.title")}
        text={t("mail.invitation.declined.text")}
        testId="invitation-declined"
      />
    );
  }
  if (step === "joined") {
    return (
      <NoticeCard
        title={t("mail.invitation.joined.title")}
        text={t("mail.invitation.joined.text", { organisation: invitation?.organisation ?? "" })}
        testId="invitation-joined"
      >
        <div className={formClasses.actions}>
          <PrimaryButton onClick={() => navigate(`/login?next=${encodeURIComponent("/mailbox/inbox")}`)}>
            {t("mail.recipient.toSignIn")}
          </PrimaryButton>
        </div>
      </NoticeCard>
    );
  }

  const total = invitation?.existingAccount ? 2 : 3;
  const stepNumber = step === "answer" ? 1 : step === "code" ? 2 : 3;
  return (
    <CenteredCard title={t("mail.invitation.title")}>
      <p className={formClasses.lead} aria-live="polite">
        {t("mail.recipient.stepOf", { step: stepNumber, total })}
      </p>
      {step === "answer" ? (
        <div className={formClasses.form}>
          {invitation ? (
            <p className={formClasses.lead} data-testid="invitation-lead">
              {t(`mail.invitation.lead.${invitation.role}`, {
                organisation: invitation.organisation,
                email: invitation.email,
              })}
            </p>
          ) : null}
          {invitation?.existingAccount ? (
            <MessageBar messageBarType={MessageBarType.info} isMultiline>
              {t("mail.invitation.existingAccount")}
            </MessageBar>
          ) : null}
          <MailError error={error} />
          <div className={formClasses.actions}>
            <PrimaryButton onClick={() => void handleYes()} disabled={busy || !invitation} data-testid="invitation-yes">
              {t("mail.invitation.yes")}
            </PrimaryButton>
            <DefaultButton onClick={() => void handleNo()} disabled={busy || !invitation} data-testid="invitation-no">
              {t("mail.invitation.no")}
            </DefaultButton>
          </div>
        </div>
      ) : null}
      {step === "code" ? (
        <SmsCodeStep
          mobile={mobile}
          error={<MailError error={error} />}
          busy={busy}
          onVerify={handleCode}
          onResend={() => void handleResend()}
          resent={resent}
          wrongNumberText={t("mail.invitation.wrongNumber")}
          reported={reported}
          onWrongNumber={() => void handleWrongNumber()}
          notifiedText={t("mail.invitation.notified")}
          testIdPrefix="invitation"
          wrongNumberTestId="invitation-wrong-number"
          notifiedTestId="invitation-notified"
        />
      ) : null}
      {step === "password" ? (
        <SetPasswordStep
          lead={t("mail.invitation.passwordLead")}
          username={invitation?.email ?? ""}
          password={password}
          onPasswordChange={setPassword}
          terms={terms}
          onTermsChange={setTerms}
          error={<MailError error={error} />}
          busy={busy}
          submitLabel={t("mail.invitation.complete")}
          onSubmit={handleComplete}
          testIdPrefix="invitation"
          submitTestId="invitation-complete"
        />
      ) : null}
    </CenteredCard>
  );
}
