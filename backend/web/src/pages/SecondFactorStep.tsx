import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { authApi, type SecondFactorMethod } from "../api/auth.js";
import { ApiError } from "../api/client.js";
import { CodeStepForm } from "../components/CodeStepForm.js";
import { formClasses } from "../components/formStyles.js";
import { useAction } from "../components/useAction.js";

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
  const { busy, error, setError, run } = useAction();

  /** An expired partial session starts the sign-in again; other failures show here. */
  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) onExpired(err);
    else setError(err);
  };

  const handleSubmit = (method: SecondFactorMethod, code: string) =>
    void run(() =>
      authApi.secondFactor(method, code).then(
        () => onDone(),
        (err: unknown) => fail(err),
      ),
    );

  return (
    <CodeStepForm
      lead={t("secondFactor.lead")}
      kinds={available.length ? available : (["totp"] as SecondFactorMethod[])}
      kindLabel={t("secondFactor.chooseMethod")}
      kindText={(m) => t(`secondFactor.method.${m}`)}
      withHelp
      autoFocus
      onKindChange={() => setError(null)}
      onSmsError={fail}
      busy={busy}
      error={error}
      submitLabel={t("secondFactor.verify")}
      submitTestId="verify"
      onSubmit={handleSubmit}
    >
      {methods.includes("totp") ? (
        <div className={formClasses.links}>
          <Link to="/recovery">{t("secondFactor.lostAuthenticator")}</Link>
        </div>
      ) : null}
    </CodeStepForm>
  );
}
