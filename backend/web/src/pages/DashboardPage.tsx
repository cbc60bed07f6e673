import { mergeStyleSets, FontIcon } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useSession } from "../session/SessionContext.js";
import { UnreadSummary } from "./UnreadSummary.js";
import { colors } from "../theme.js";

const classes = mergeStyleSets({
  title: { fontSize: 28, fontWeight: 600, margin: "8px 0 4px" },
  lead: { margin: "0 0 24px", color: colors.textSecondary },
  grid: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))",
    gap: 16,
    listStyle: "none",
    padding: 0,
    margin: 0,
  },
  tile: {
    display: "flex",
    alignItems: "center",
    gap: 14,
    minHeight: 84,
    padding: "16px 18px",
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    color: colors.text,
    textDecoration: "none",
    selectors: {
      ":hover": { borderColor: colors.primary, background: colors.primaryTint },
      ":focus-visible": { outline: `2px solid ${colors.primaryDark}`, outlineOffset: 2 },
    },
  },
  icon: { fontSize: 26, color: colors.primary, display: "flex" },
  name: { fontSize: 17, fontWeight: 600, display: "block" },
  hint: { fontSize: 14, color: colors.textMuted, display: "block", marginTop: 2 },
});

const shortcuts = [
  { key: "compose", to: "/compose", icon: "Edit" },
  { key: "mailbox", to: "/mailbox", icon: "Inbox" },
  { key: "contacts", to: "/contacts", icon: "Contact" },
  { key: "settings", to: "/settings", icon: "Settings" },
] as const;

/** The signed-in start page: greeting, unread messages and shortcuts. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const name = user?.name ?? user?.email ?? "";
  return (
    <>
      <h1 className={classes.title} data-testid="greeting">
        {t("dashboard.greeting", { name })}
      </h1>
      <p className={classes.lead}>{t("dashboard.lead")}</p>
      <UnreadSummary />
      <nav aria-label={t("dashboard.shortcuts")}>
        <ul className={classes.grid}>
          {shortcuts.map((s) => (
            <li key={s.key}>
              <Link className={classes.tile} to={s.to}>
                <FontIcon iconName={s.icon} className={classes.icon} aria-hidden="true" />
                <span>
                  <span className={classes.name}>{t(`dashboard.${s.key}.name`)}</span>
                  <span className={classes.hint}>{t(`dashboard.${s.key}.hint`)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
