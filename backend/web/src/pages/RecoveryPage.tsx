import { useEffect, useState, type FormEvent } from "react";
import {
  ChoiceGroup,
  DefaultButton,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Spinner,
  SpinnerSize,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { authApi } from "../api/auth.js";
import { CenteredCard } from "../components/CenteredCard.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { formClasses } from "../components/formStyles.js";
import { useSession } from "../session/SessionContext.js";

type CodeKind = "sms" | "backup_code";

/**
 * Lost authenticator (SPEC F19): after the password step, an SMS code or a one-time code
 * signs the user in and turns two-step verification off.
 */
export function RecoveryPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const [kind, setKind] = useState<CodeKind>("sms");
  const [code, setCode] = useState("");
  const [smsSent, setSmsSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Recovery finishes a sign-in: it needs the partial session the password step leaves.
  const [stage, setStage] = useState<"loading" | "none" | "partial" | "full">("loading");

  useEffect(() => {
    authApi.session().then(
      (u) => setStage(u ? u.stage : "none"),
      () => setStage("none"),
    );
  }, []);

  const handleSendSms = async () => {
    setBusy(true);
    setError(null);
    try {
      await authApi.sendLoginSms();
      setSmsSent(true);
    } catch (err) {
      setError(err);
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
      await authApi.recover(kind, code.trim().replace(/\s+/g, ""));
      await refresh();
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <CenteredCard title={t("recovery.title")}>
        <MessageBar messageBarType={MessageBarType.success} isMultiline data-testid="recovery-done">
          {t("recovery.done")}
        </MessageBar>
        <div className={formClasses.actions} style={{ marginTop: 16 }}>
          <PrimaryButton onClick={() => navigate("/", { replace: true })}>{t("recovery.continue")}</PrimaryButton>
        </div>
      </CenteredCard>
    );
  }

  if (stage === "loading")
    return <Spinner size={SpinnerSize.large} label={t("common.loading")} styles={{ root: { marginTop: 48 } }} />;
  if (stage !== "partial") {
    return (
      <CenteredCard title={t("recovery.title")}>
        <p className={formClasses.lead} data-testid="recovery-sign-in-first">
          {stage === "full" ? t("recovery.alreadySignedIn") : t("recovery.signInFirst")}
        </p>
        <Link to={stage === "full" ? "/" : "/login"}>
          {stage === "full" ? t("notFound.home") : t("recovery.toSignIn")}
        </Link>
      </CenteredCard>
    );
  }

  return (
    <CenteredCard title={t("recovery.title")}>
      <form className={formClasses.form} onSubmit={handleSubmit} noValidate>
        <p className={formClasses.lead}>{t("recovery.lead")}</p>
        <ChoiceGroup
          label={t("recovery.codeKind")}
          selectedKey={kind}
          options={[
            { key: "sms", text: t("forgot.kind.sms") },
            { key: "backup_code", text: t("forgot.kind.backup_code") },
          ]}
          onChange={(_, option) => {
            if (option) setKind(option.key as CodeKind);
            setCode("");
          }}
        />
        {kind === "sms" ? (
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
          label={kind === "sms" ? t("secondFactor.codeLabel.sms") : t("secondFactor.codeLabel.backup_code")}
          value={code}
          onChange={(_, v) => setCode(v ?? "")}
          autoComplete="one-time-code"
          inputMode={kind === "sms" ? "numeric" : "text"}
          required
          data-testid="code"
        />
        <ErrorMessage error={error} />
        <div className={formClasses.actions}>
          <PrimaryButton type="submit" disabled={busy || !code.trim()} data-testid="recover">
            {t("recovery.submit")}
          </PrimaryButton>
        </div>
      </form>
      <div className={formClasses.links}>
        <Link to="/login">{t("recovery.startOver")}</Link>
        <span>{t("recovery.noCodes")}</span>
      </div>
    </CenteredCard>
  );
}
