import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { settingsClasses } from "./settingsStyles.js";

export const settingsSections = [
  { key: "account", to: "/settings", end: true },
  { key: "security", to: "/settings/security", end: false },
  { key: "activity", to: "/settings/activity", end: false },
  { key: "options", to: "/settings/options", end: false },
  { key: "data", to: "/settings/data", end: false },
  { key: "mailboxes", to: "/settings/mailboxes", end: false },
] as const;

/** The settings heading, the section navigation and the section (SPEC F20–F22). */
export function SettingsLayout() {
  const { t } = useTranslation();
  return (
    <>
      <h1 className={settingsClasses.title}>{t("settings.title")}</h1>
      <nav className={settingsClasses.nav} aria-label={t("settings.navLabel")}>
        <ul className={settingsClasses.navList}>
          {settingsSections.map((s) => (
            <li key={s.key}>
              <NavLink to={s.to} end={s.end} className={settingsClasses.navLink} data-testid={`settings-nav-${s.key}`}>
                {t(`settings.nav.${s.key}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
