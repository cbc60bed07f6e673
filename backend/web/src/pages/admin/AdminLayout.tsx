import { useEffect, useId, useState } from "react";
import { DefaultButton, Spinner, SpinnerSize, css, mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation } from "react-router";
import { useSession } from "../../session/SessionContext.js";
import { NotFoundPage } from "../NotFoundPage.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { colors } from "../../theme.js";

/** Wide enough for the side navigation next to a page that keeps its tables' full width. */
const WIDE = "@media (min-width: 1200px)";
/**
 * On wide screens the console widens past the app's 1040 px column to at most 1240 px (24 px from
 * each window edge), so the side navigation does not take its width from the users' and audit
 * tables. 100% is the app column here (margins resolve against the containing block).
 */
const BREAKOUT = "calc(-1 * max(0px, (min(100vw - 48px, 1240px) - 100%) / 2))";

/**
 * Ten pages do not fit in one row of tabs: on wide screens they stand in a side column; on
 * narrower ones a Menu button showing the current page opens them as a list.
 */
const classes = mergeStyleSets({
  page: { [WIDE]: { marginLeft: BREAKOUT, marginRight: BREAKOUT } },
  layout: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 1fr)",
    gap: 16,
    [WIDE]: { gridTemplateColumns: "210px minmax(0, 1fr)", gap: 28, alignItems: "start" },
  },
  content: { minWidth: 0 },
  nav: { minWidth: 0, [WIDE]: { position: "sticky", top: 16 } },
  toggle: { [WIDE]: { display: "none" } },
  list: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    display: "none",
    [WIDE]: { display: "block", borderRight: `1px solid ${colors.border}`, paddingRight: 8 },
  },
  listOpen: {
    display: "block",
    marginTop: 8,
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 4,
    padding: 4,
    [WIDE]: { marginTop: 0, background: "transparent", border: "none", borderRadius: 0, padding: 0 },
  },
  link: {
    display: "block",
    padding: "9px 12px",
    margin: "1px 0",
    color: colors.text,
    textDecoration: "none",
    fontSize: 15,
    lineHeight: "1.35",
    borderLeft: "3px solid transparent",
    borderRadius: 2,
    overflowWrap: "anywhere",
    selectors: {
      ":hover": { background: colors.primaryTint, color: colors.primaryDark },
      "&[aria-current='page']": {
        borderLeftColor: colors.primary,
        background: colors.primaryTint,
        fontWeight: 600,
        color: colors.primaryDark,
      },
    },
  },
});

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
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const current =
    adminSections.find((s) => (s.end ? pathname.replace(/\/$/, "") === s.to : pathname.startsWith(s.to))) ??
    adminSections[0];
  // A page chosen from the menu closes it.
  useEffect(() => setOpen(false), [pathname]);
  return (
    <div className={classes.page}>
      <h1 className={settingsClasses.title}>{t("admin.title")}</h1>
      {user?.organisation ? (
        <p className={settingsClasses.cardLead} data-testid="admin-organisation">
          {user.organisation.name}
        </p>
      ) : null}
      <div className={classes.layout}>
        <nav className={classes.nav} aria-label={t("admin.navLabel")}>
          <div className={classes.toggle}>
            <DefaultButton
              styles={{
                root: { width: "100%", height: 40 },
                flexContainer: { width: "100%", justifyContent: "space-between" },
              }}
              text={t("admin.navToggle", { section: t(`admin.nav.${current.key}`) })}
              menuIconProps={{ iconName: "ChevronDown" }}
              aria-expanded={open}
              aria-controls={listId}
              onClick={() => setOpen((o) => !o)}
              data-testid="admin-nav-toggle"
            />
          </div>
          <ul id={listId} className={css(classes.list, open && classes.listOpen)}>
            {adminSections.map((s) => (
              <li key={s.key}>
                <NavLink to={s.to} end={s.end} className={classes.link} data-testid={`admin-nav-${s.key}`}>
                  {t(`admin.nav.${s.key}`)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className={classes.content}>
          <Outlet />
        </div>
      </div>
    </div>
  );
}
