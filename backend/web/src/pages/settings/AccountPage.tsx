import { useEffect, useState, type FormEvent } from "react";
import { Dropdown, PrimaryButton, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { accountApi, type Account } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { setLanguage } from "../../i18n.js";
import { useSession } from "../../session/SessionContext.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { formatDate } from "./format.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";

/** Account information (F20): name and job title (editable), e-mail, mobile, plan, organisation, language. */
export function AccountPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const account = useLoad(accountApi.get);
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [locale, setLocale] = useState<Account["locale"]>("sv");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!account.data) return;
    setName(account.data.name ?? "");
    setTitle(account.data.title ?? "");
    setLocale(account.data.locale);
  }, [account.data]);

  if (account.error) return <SettingsError error={account.error} />;
  const a = account.data;
  if (!a) return <Spinner label={t("common.loading")} />;

  const handleSave = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await accountApi.update({
        name: name.trim() || null,
        locale,
        ...(a.organisation ? { title: title.trim() || null } : {}),
      });
      await account.reload();
      await refresh();
      if (locale !== a.locale) await setLanguage(locale);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <SettingsCard id="account" title={t("settings.account.title")} lead={t("settings.account.lead")}>
        <dl className={settingsClasses.facts}>
          <dt className={settingsClasses.factName}>{t("settings.account.email")}</dt>
          <dd className={settingsClasses.factValue} data-testid="account-email">
            {a.email}
          </dd>
          <dt className={settingsClasses.factName}>{t("settings.account.mobile")}</dt>
          <dd className={settingsClasses.factValue} data-testid="account-mobile">
            {a.mobile ?? t("settings.account.noMobile")}{" "}
            <Link to="/settings/security#phones">{t("settings.account.changeMobile")}</Link>
          </dd>
          <dt className={settingsClasses.factName}>{t("settings.account.plan")}</dt>
          <dd className={settingsClasses.factValue} data-testid="account-plan">
            {t(`settings.plans.${a.plan}`, { defaultValue: a.plan })}
          </dd>
          {a.organisation ? (
            <>
              <dt className={settingsClasses.factName}>{t("settings.account.organisation")}</dt>
              <dd className={settingsClasses.factValue}>{a.organisation.name}</dd>
            </>
          ) : null}
          <dt className={settingsClasses.factName}>{t("settings.account.since")}</dt>
          <dd className={settingsClasses.factValue}>{formatDate(a.createdAt)}</dd>
        </dl>
      </SettingsCard>
      <SettingsCard id="profile" title={t("settings.account.editTitle")}>
        <form className={`${formClasses.form} ${settingsClasses.narrow}`} onSubmit={handleSave} noValidate>
          <TextField
            label={t("settings.account.name")}
            value={name}
            onChange={(_, v) => {
              setName(v ?? "");
              setSaved(false);
            }}
            autoComplete="name"
            maxLength={200}
            data-testid="account-name"
          />
          {a.organisation ? (
            <TextField
              label={t("settings.account.jobTitle")}
              description={t("settings.account.jobTitleHelp")}
              value={title}
              onChange={(_, v) => {
                setTitle(v ?? "");
                setSaved(false);
              }}
              autoComplete="organization-title"
              maxLength={100}
              data-testid="account-title"
            />
          ) : null}
          <Dropdown
            label={t("settings.account.language")}
            selectedKey={locale}
            options={[
              { key: "sv", text: "Svenska" },
              { key: "en", text: "English" },
            ]}
            onChange={(_, option) => {
              if (option) setLocale(option.key as Account["locale"]);
              setSaved(false);
            }}
            data-testid="account-language"
          />
          <p className={settingsClasses.cardLead} style={{ margin: 0, fontSize: 14 }}>
            {t("settings.account.languageHelp")}
          </p>
          <SettingsError error={error} />
          <SettingsSuccess text={saved ? t("settings.saved") : null} />
          <div className={formClasses.actions}>
            <PrimaryButton type="submit" disabled={busy} data-testid="account-save">
              {t("settings.save")}
            </PrimaryButton>
          </div>
        </form>
      </SettingsCard>
    </>
  );
}
