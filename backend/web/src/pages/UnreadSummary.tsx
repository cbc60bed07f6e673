import { useEffect, useState } from "react";
import { mergeStyleSets, Spinner, SpinnerSize } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../api/client.js";
import { colors } from "../theme.js";

/** The part of GET /api/mailbox/inbox the dashboard shows. */
interface InboxSummary {
  unread: Record<string, number>;
  items: Array<{
    id: string;
    unread: boolean;
    subject: string | null;
    sender: { name: string | null; email: string } | null;
    createdAt: string;
  }>;
}

const classes = mergeStyleSets({
  box: {
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "16px 18px",
    marginBottom: 24,
  },
  title: { fontSize: 18, fontWeight: 600, margin: "0 0 8px" },
  list: { listStyle: "none", margin: "8px 0 0", padding: 0 },
  item: { borderTop: `1px solid ${colors.divider}`, padding: "8px 0" },
  link: {
    display: "flex",
    flexWrap: "wrap",
    gap: "2px 12px",
    color: colors.text,
    textDecoration: "none",
    selectors: {
      ":hover .subject": { textDecoration: "underline" },
      ":focus-visible": { outline: `2px solid ${colors.primaryDark}`, outlineOffset: 2 },
    },
  },
  sender: { fontWeight: 600, minWidth: 0, overflowWrap: "anywhere" },
  subject: { flex: "1 1 200px", minWidth: 0, overflowWrap: "anywhere" },
  date: { color: colors.textMuted, fontSize: 14 },
});

const shown = 5;

/** Unread messages in the inbox (SPEC F11: unread counts on the dashboard), newest first. */
export function UnreadSummary() {
  const { t, i18n } = useTranslation();
  const [inbox, setInbox] = useState<InboxSummary | null | "failed">(null);

  useEffect(() => {
    let live = true;
    api.get<InboxSummary>("/api/mailbox/inbox?limit=50").then(
      (r) => live && setInbox(r),
      () => live && setInbox("failed"),
    );
    return () => {
      live = false;
    };
  }, []);

  if (inbox === null)
    return <Spinner size={SpinnerSize.small} label={t("common.loading")} styles={{ root: { marginBottom: 24 } }} />;
  if (inbox === "failed") {
    return (
      <section className={classes.box} aria-labelledby="unread-title">
        <h2 id="unread-title" className={classes.title}>
          {t("dashboard.unread.title")}
        </h2>
        <p>{t("dashboard.unread.failed")}</p>
      </section>
    );
  }
  const count = inbox.unread.inbox ?? inbox.items.filter((m) => m.unread).length;
  const unreadItems = inbox.items.filter((m) => m.unread).slice(0, shown);
  const format = new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "sv-SE", {
    dateStyle: "medium",
    timeStyle: "short",
  });
  return (
    <section className={classes.box} aria-labelledby="unread-title" data-testid="unread-summary">
      <h2 id="unread-title" className={classes.title}>
        {t("dashboard.unread.title")}
      </h2>
      <p style={{ margin: 0 }} data-testid="unread-count">
        {count === 0 ? t("dashboard.unread.none") : t("dashboard.unread.count", { count })}
      </p>
      {unreadItems.length > 0 ? (
        <ul className={classes.list}>
          {unreadItems.map((m) => (
            <li key={m.id} className={classes.item}>
              <Link className={classes.link} to={`/mailbox/inbox/${encodeURIComponent(m.id)}`}>
                <span className={classes.sender}>
                  {m.sender ? (m.sender.name ?? m.sender.email) : t("dashboard.unread.unknownSender")}
                </span>
                <span className={`${classes.subject} subject`}>{m.subject || t("dashboard.unread.noSubject")}</span>
                <span className={classes.date}>{format.format(new Date(m.createdAt))}</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <p style={{ margin: "12px 0 0" }}>
        <Link to="/mailbox/inbox">{t("dashboard.unread.toInbox")}</Link>
      </p>
    </section>
  );
}
