import type { DragEvent, MouseEvent } from "react";
import { Checkbox, FontIcon, mergeStyleSets } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { MailboxItem } from "../../api/messages.js";
import { useSession } from "../../session/SessionContext.js";
import { StatusBadge } from "./StatusBadge.js";
import { dragType } from "./dragData.js";
import { colors } from "../../theme.js";

const classes = mergeStyleSets({
  list: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    overflow: "hidden",
  },
  row: {
    display: "flex",
    alignItems: "flex-start",
    gap: 4,
    borderBottom: `1px solid ${colors.divider}`,
    selectors: { ":last-child": { borderBottom: "none" } },
  },
  selected: { background: colors.selectedRow },
  open: { boxShadow: `inset 3px 0 0 ${colors.primary}` },
  check: { padding: "12px 0 0 10px" },
  button: {
    flex: "1 1 auto",
    minWidth: 0,
    textAlign: "left",
    background: "transparent",
    border: "none",
    padding: "10px 12px 10px 6px",
    font: "inherit",
    color: colors.text,
    cursor: "pointer",
    selectors: { ":focus-visible": { outline: `2px solid ${colors.primaryDark}`, outlineOffset: -2 } },
  },
  top: { display: "flex", alignItems: "baseline", gap: 8, minWidth: 0 },
  who: {
    flex: "1 1 auto",
    minWidth: 0,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    fontSize: 14,
  },
  date: { flexShrink: 0, fontSize: 12, color: colors.textMuted },
  subject: { display: "flex", alignItems: "center", gap: 6, marginTop: 2, fontSize: 14, minWidth: 0 },
  subjectText: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap", minWidth: 0 },
  unread: { fontWeight: 700 },
  unreadDot: { width: 8, height: 8, borderRadius: 4, background: colors.primary, flexShrink: 0 },
  badges: { display: "flex", flexWrap: "wrap", gap: 4, marginTop: 4 },
  small: { fontSize: 12, color: colors.textMuted },
  empty: {
    padding: 24,
    textAlign: "center",
    color: colors.textMuted,
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
  },
});

interface MessageListProps {
  items: MailboxItem[];
  selected: Set<string>;
  openId: string | undefined;
  emptyText: string;
  onRowClick(id: string, e: { ctrl: boolean; shift: boolean }): void;
  onToggle(id: string): void;
}

export function formatDate(iso: string, language: string): string {
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? d.toLocaleTimeString(language === "en" ? "en-GB" : "sv-SE", { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString(language === "en" ? "en-GB" : "sv-SE", { year: "numeric", month: "short", day: "numeric" });
}

/**
 * The message rows. A click opens; Ctrl/⌘-click toggles, Shift-click selects a range; the
 * checkbox selects by keyboard and touch. Rows drag the selection (or themselves) to a folder.
 */
export function MessageList({ items, selected, openId, emptyText, onRowClick, onToggle }: MessageListProps) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  if (items.length === 0)
    return (
      <p className={classes.empty} data-testid="mailbox-empty">
        {emptyText}
      </p>
    );

  const handleDragStart = (id: string) => (e: DragEvent) => {
    const ids = selected.has(id) ? [...selected] : [id];
    e.dataTransfer.setData(dragType, JSON.stringify(ids));
    e.dataTransfer.setData("text/plain", t("mail.list.dragLabel", { count: ids.length }));
    e.dataTransfer.effectAllowed = "move";
  };

  return (
    <ul className={classes.list} aria-label={t("mail.list.label")} data-testid="message-list">
      {items.map((item) => {
        const mine = item.sender?.id === user?.id;
        const who = mine
          ? t("mail.list.to", { names: item.recipients.map((r) => r.name ?? r.email).join(", ") || "—" })
          : (item.sender?.name ?? item.sender?.email ?? t("mail.list.unknownSender"));
        const subject =
          item.subject === null
            ? item.options.idCheck
              ? t("mail.list.idCheckLocked")
              : t("mail.list.locked")
            : item.subject || t("mail.list.noSubject");
        const isSelected = selected.has(item.id);
        return (
          <li
            key={item.id}
            className={`${classes.row} ${isSelected ? classes.selected : ""} ${openId === item.id ? classes.open : ""}`}
            draggable
            onDragStart={handleDragStart(item.id)}
            data-testid="message-row"
            data-id={item.id}
            data-unread={item.unread}
          >
            <div className={classes.check}>
              <Checkbox
                checked={isSelected}
                onChange={() => onToggle(item.id)}
                ariaLabel={t("mail.list.select", { subject })}
              />
            </div>
            <button
              type="button"
              className={classes.button}
              onClick={(e: MouseEvent) => onRowClick(item.id, { ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey })}
              aria-current={openId === item.id ? "true" : undefined}
            >
              <span className={classes.top}>
                <span className={`${classes.who} ${item.unread ? classes.unread : ""}`}>{who}</span>
                <span className={classes.date}>{formatDate(item.createdAt, i18n.language)}</span>
              </span>
              <span className={`${classes.subject} ${item.unread ? classes.unread : ""}`}>
                {item.unread ? (
                  <>
                    <span className={classes.unreadDot} aria-hidden="true" />
                    <span className="visually-hidden">{t("mail.list.unread")}: </span>
                  </>
                ) : null}
                <span className={classes.subjectText}>{subject}</span>
                {item.hasAttachments ? <FontIcon iconName="Attach" aria-label={t("mail.list.hasAttachments")} /> : null}
              </span>
              {mine && item.recipients.length > 0 ? (
                <span className={classes.badges}>
                  {item.recipients.slice(0, 3).map((r) => (
                    <StatusBadge key={r.id} status={r.status} />
                  ))}
                  {item.recipients.length > 3 ? (
                    <span className={classes.small}>+{item.recipients.length - 3}</span>
                  ) : null}
                </span>
              ) : null}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
