import { Spinner, SpinnerSize } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";
import { useSession } from "../../session/SessionContext.js";
import { NotFoundPage } from "../NotFoundPage.js";
import { settingsClasses } from "../settings/settingsStyles.js";

/**
 * The admin console's pages, in navigation order.
 */
export const adminSections = [
  { key: "users", to: "/admin", end: true },
  { key: "invitations", to: "/admin/invitations", end: false },
  { key: "policies", to: "/admin/policies", end: false },
  { key: "templates", to: "/admin/templates", end: false },
  { key: "signature", to: "/admin/signature", end: false },
  { key: "notifications", to: "/admin/notifications", end: false },
  { key: "usage", to: "/admin/usage", end: false },
  { key: "audit", to: "/admin/audit", end: false },
  { key: "mailboxes", to: "/admin/mailboxes", end: false },
  { key: "directory", to: "/admin/directory", end: false },
] as const;

/** Admins only: anyone else (staff, recipients) gets the app's 404 page, as for an address that does not exist. */
export function RequireAdmin({ children }: { children: React.ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (user === undefined)
    return <Spinner size={SpinnerSize.large} label={t("common.loading")} styles={{ root: { marginTop: 48 } }} />;
  if (!user || user.role !== "admin" || !user.organisation) return <NotFoundPage />;
  return <>{children}</>;
}

/** The admin console's heading, its navigation and the page. */
export function AdminLayout() {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <>
      <h1 className={settingsClasses.title}>{t("admin.title")}</h1>
      {user?.organisation ? (
        <p className={settingsClasses.cardLead} data-testid="admin-organisation">
          {user.organisation.name}
        </p>
      ) : null}
      <nav className={settingsClasses.nav} aria-label={t("admin.navLabel")}>
        <ul className={settingsClasses.navList}>
          {adminSections.map((s) => (
            <li key={s.key}>
              <NavLink to={s.to} end={s.end} className={settingsClasses.navLink} data-testid={`admin-nav-${s.key}`}>
                {t(`admin.nav.${s.key}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
