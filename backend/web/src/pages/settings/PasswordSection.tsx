import { useState, type FormEvent } from "react";
import { PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { PasswordField } from "../../components/PasswordField.js";
import { PasswordRules } from "../../components/PasswordRules.js";
import { passwordRulesOk } from "../../passwordRules.js";
import { useSession } from "../../session/SessionContext.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";

/** Change password: the current one, a new one checked live against the rules (F15, F20). */
export function PasswordSection() {
  const { t } = useTranslation();
  const { user } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const handleSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!current || !passwordRulesOk(next)) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const res = await accountApi.changePassword(current, next);
      setCurrent("");
      setNext("");
      setDone(t("settings.password.done", { count: res.otherSessionsRevoked }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard id="password" title={t("settings.password.title")} lead={t("settings.password.lead")}>
      <form className={`${formClasses.form} ${settingsClasses.narrow}`} onSubmit={handleSubmit} noValidate>
        {/* Lets password managers know which account this is. */}
        <input type="email" autoComplete="username" hidden readOnly value={user?.email ?? ""} />
        <PasswordField
          label={t("settings.password.current")}
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
          testId="current-password"
        />
        <div>
          <PasswordField
            label={t("settings.password.new")}
            value={next}
            onChange={(v) => {
              setNext(v);
              setDone(null);
            }}
            autoComplete="new-password"
            rulesId="settings-password-rules"
            testId="new-password"
          />
          <PasswordRules password={next} id="settings-password-rules" />
        </div>
        <SettingsError error={error} />
        <SettingsSuccess text={done} testId="password-changed" />
        <div className={formClasses.actions}>
          <PrimaryButton
            type="submit"
            disabled={busy || !current || !passwordRulesOk(next)}
            data-testid="change-password"
          >
            {t("settings.password.submit")}
          </PrimaryButton>
        </div>
      </form>
    </SettingsCard>
  );
}
