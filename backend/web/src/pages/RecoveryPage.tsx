import { useEffect, useState } from "react";
import { MessageBar, MessageBarType, PrimaryButton, Spinner, SpinnerSize } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { authApi } from "../api/auth.js";
import { CenteredCard } from "../components/CenteredCard.js";
import { CodeStepForm } from "../components/CodeStepForm.js";
import { formClasses } from "../components/formStyles.js";
import { useAction } from "../components/useAction.js";
import { useSession } from "../session/SessionContext.js";

type RecoveryKind = "sms" | "backup_code";
const recoveryKinds: readonly RecoveryKind[] = ["sms", "backup_code"];

/**
 * Lost authenticator (SPEC F19): after the password step, an SMS code or a one-time code
 * signs the user in and turns two-step verification off.
 */
export function RecoveryPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { refresh } = useSession();
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState(false);
  // Recovery finishes a sign-in: it needs the partial session the password step leaves.
  const [stage, setStage] = useState<"loading" | "none" | "partial" | "setup" | "full">("loading");

  useEffect(() => {
    authApi.session().then(
      (u) => setStage(u ? u.stage : "none"),
      () => setStage("none"),
    );
  }, []);

  const handleSubmit = (kind: RecoveryKind, code: string) =>
    void run(async () => {
      await authApi.recover(kind, code);
      await refresh();
      setDone(true);
    });

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
      <CodeStepForm
        lead={t("recovery.lead")}
        kinds={recoveryKinds}
        kindLabel={t("recovery.codeKind")}
        kindText={(k) => t(`forgot.kind.${k}`)}
        onSmsError={setError}
        busy={busy}
        error={error}
        submitLabel={t("recovery.submit")}
        submitTestId="recover"
        onSubmit={handleSubmit}
      />
      <div className={formClasses.links}>
        <Link to="/login">{t("recovery.startOver")}</Link>
        <span>{t("recovery.noCodes")}</span>
      </div>
    </CenteredCard>
  );
}
