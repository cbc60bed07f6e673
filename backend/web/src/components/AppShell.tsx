import { Outlet, Link } from "react-router";
import { useTranslation } from "react-i18next";
import { mergeStyleSets } from "@fluentui/react";
import { LanguageSwitch } from "./LanguageSwitch.js";
import { UserMenu } from "./UserMenu.js";
import { useSession } from "../session/SessionContext.js";
import { colors } from "../theme.js";

const classes = mergeStyleSets({
  header: {
    display: "flex",
    alignItems: "center",
    gap: 4,
    padding: "0 8px 0 12px",
    minHeight: 52,
    background: colors.primaryDark,
    color: colors.onPrimary,
  },
  brand: {
    color: colors.onPrimary,
    fontSize: 20,
    fontWeight: 600,
    textDecoration: "none",
    marginRight: "auto",
    flexShrink: 0,
    padding: "4px 2px",
    selectors: { ":focus-visible": { outline: `2px solid ${colors.onPrimary}`, outlineOffset: 2 } },
  },
  main: { padding: "24px 16px 48px", maxWidth: 1040, margin: "0 auto", outline: "none" },
});

/** Header with the product name, the language switch and (when signed in) the name menu. */
export function AppShell() {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <header className={classes.header}>
        <Link className={classes.brand} to="/" aria-label={t("shell.homeLink")}>
          Kuvert
        </Link>
        <LanguageSwitch />
        {user ? <UserMenu user={user} /> : null}
      </header>
      <main id="main" className={classes.main} tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
