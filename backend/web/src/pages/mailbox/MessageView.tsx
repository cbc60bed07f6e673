import { useCallback, useEffect, useRef, useState } from "react";
import {
  FontIcon,
  mergeStyleSets,
  MessageBar,
  MessageBarType,
  Pivot,
  PivotItem,
  PrimaryButton,
  Spinner,
  SpinnerSize,
  type IContextualMenuItem,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import {
  messagesApi,
  type MailboxEvent,
  type Message,
  type MessageSource,
  type ThreadMessage,
} from "../../api/messages.js";
import { useSession } from "../../session/SessionContext.js";
import { ApiError } from "../../api/client.js";
import { CorrectMobile } from "./CorrectMobile.js";
import { IdCheck } from "./IdCheck.js";
import { MailError } from "./mailErrors.js";
import { Toolbar, type ToolbarItem } from "./Toolbar.js";
import { formatDate } from "./MessageList.js";
import { StatusBadge } from "./StatusBadge.js";
import { colors } from "../../theme.js";

const classes = mergeStyleSets({
  view: {
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "12px 16px 20px",
    minWidth: 0,
  },
  subject: { fontSize: 22, fontWeight: 600, margin: "8px 0 10px", overflowWrap: "anywhere", outline: "none" },
  meta: { display: "grid", gridTemplateColumns: "auto 1fr", gap: "4px 10px", fontSize: 14, margin: "0 0 12px" },
  metaLabel: { color: colors.textMuted },
  people: { display: "flex", flexWrap: "wrap", gap: "4px 10px", minWidth: 0, overflowWrap: "anywhere" },
  flags: { display: "flex", flexWrap: "wrap", gap: 6, margin: "0 0 12px" },
  flag: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    background: colors.primaryTint,
    color: colors.primaryDark,
    borderRadius: 10,
    padding: "2px 8px",
  },
  body: {
    lineHeight: "1.55",
    fontSize: 15,
    overflowWrap: "anywhere",
    whiteSpace: "pre-wrap",
    borderTop: `1px solid ${colors.divider}`,
    paddingTop: 12,
  },
  html: { whiteSpace: "normal", selectors: { img: { maxWidth: "100%" }, table: { maxWidth: "100%" } } },
  eyesOnly: { userSelect: "none" },
  attachments: { listStyle: "none", padding: 0, margin: "16px 0 0", display: "flex", flexDirection: "column", gap: 6 },
  attachment: {
    display: "flex",
    alignItems: "center",
    gap: 8,
    padding: "8px 10px",
    border: `1px solid ${colors.border}`,
    borderRadius: 6,
    fontSize: 14,
    minWidth: 0,
  },
  fileName: { flex: "1 1 auto", minWidth: 0, overflowWrap: "anywhere" },
  thread: { listStyle: "none", padding: 0, margin: "12px 0 0", display: "flex", flexDirection: "column", gap: 12 },
  threadItem: { border: `1px solid ${colors.divider}`, borderRadius: 6, padding: "10px 12px" },
  threadCurrent: { borderColor: colors.primary },
  threadHead: {
    display: "flex",
    flexWrap: "wrap",
    justifyContent: "space-between",
    gap: 6,
    fontSize: 13,
    color: colors.textSecondary,
    marginBottom: 6,
  },
});

export function formatSize(bytes: number, language: string): string {
  const units = ["B", "kB", "MB", "GB"];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toLocaleString(language === "en" ? "en-GB" : "sv-SE", { maximumFractionDigits: u === 0 ? 0 : 1 })} ${units[u]}`;
}

interface MessageViewProps {
  messageId: string;
  /** Menu items for moving this message (from the page, which knows the folders). */
  moveItems: IContextualMenuItem[];
  inTrash: boolean;
  onReply(message: Message): void;
  onDelete(id: string): void;
  onRestore(id: string): void;
  onMarkUnread(id: string): void;
  onClose(): void;
  /** Called once the message has been opened (it is no longer unread). */
  onOpened(): void;
  /** A shared mailbox's message (F25): read through it, acting as the mailbox (no moving or deleting). */
  shared?: { mailboxId: string; source: MessageSource };
}

/** "Read by Anna, Bertil · Answered by Bertil": which members of a shared mailbox handled a message. */
function MailboxEvents({ events }: { events: MailboxEvent[] | undefined }) {
  const { t } = useTranslation();
  if (!events || events.length === 0) return null;
  const names = (action: MailboxEvent["action"]) => [
    ...new Set(events.filter((e) => e.action === action).map((e) => e.member?.name ?? e.member?.email ?? "—")),
  ];
  const parts = (["read", "replied", "sent"] as const)
    .map((action) => ({ action, list: names(action) }))
    .filter((p) => p.list.length > 0)
    .map((p) => t(`mail.shared.events.${p.action}`, { names: p.list.join(", ") }));
  return (
    <p style={{ margin: "4px 0 8px", fontSize: 13, color: colors.textSecondary }} data-testid="mailbox-events">
      {parts.join(" · ")}
    </p>
  );
}

function Body({ message }: { message: Message }) {
  const className = `${classes.body} ${message.options.eyesOnly ? classes.eyesOnly : ""}`;
  if (message.html)
    return (
      <div
        className={`${className} ${classes.html}`}
        data-testid="message-body"
        dangerouslySetInnerHTML={{ __html: message.html }}
      />
    );
  return (
    <div className={className} data-testid="message-body">
      {message.text}
    </div>
  );
}

/** One message with its attachments and the dialog history (F10), reply, move and delete. */
export function MessageView({
  messageId,
  moveItems,
  inTrash,
  onReply,
  onDelete,
  onRestore,
  onMarkUnread,
  onClose,
  onOpened,
  shared,
}: MessageViewProps) {
  const source: MessageSource = shared?.source ?? messagesApi;
  const { t, i18n } = useTranslation();
  const { user: sessionUser } = useSession();
  // In a shared mailbox "me" is the mailbox: its own messages are the ones it sent.
  const user = shared ? { id: shared.mailboxId } : sessionUser;
  const [message, setMessage] = useState<Message | null>(null);
  const [thread, setThread] = useState<ThreadMessage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revealing, setRevealing] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setMessage(null);
    setThread(null);
    setError(null);
    try {
      let m = await source.get(messageId);
      // Showing an ordinary message is reading it (read receipt); burn-after-reading waits for the button.
      if (!m.revealRequired && m.sender?.id !== user?.id && m.state === "active") m = await source.reveal(messageId);
      setMessage(m);
      onOpened();
      source.thread(messageId).then(
        (r) => setThread(r.messages),
        () => setThread([]),
      );
    } catch (err) {
      setError(err);
    }
  }, [messageId, user?.id, source]);

  useEffect(() => {
    void load();
  }, [load]);

  // On narrow screens the list is hidden while a message is open: start reading at its subject.
  const loaded = message !== null;
  useEffect(() => {
    if (loaded && window.matchMedia("(max-width: 1000px)").matches) heading.current?.focus({ preventScroll: false });
  }, [loaded]);

  const handleReveal = async () => {
    setRevealing(true);
    try {
      setMessage(await source.reveal(messageId));
    } catch (err) {
      setError(err);
    } finally {
      setRevealing(false);
    }
  };

  const commands: ToolbarItem[] = [
    { key: "close", text: t("mail.view.back"), icon: "Back", onClick: onClose, testId: "view-back" },
    ...(message && message.sender && message.sender.id !== user?.id && !inTrash
      ? [
          {
            key: "reply",
            text: t("mail.view.reply"),
            icon: "Reply",
            onClick: () => onReply(message),
            testId: "view-reply",
          },
        ]
      : []),
    ...(shared
      ? []
      : inTrash
        ? [{ key: "restore", text: t("mail.actions.restore"), icon: "Undo", onClick: () => onRestore(messageId) }]
        : [
            { key: "move", text: t("mail.actions.move"), icon: "MoveToFolder", menu: moveItems, testId: "view-move" },
            {
              key: "unread",
              text: t("mail.actions.markUnread"),
              icon: "MailUnread",
              onClick: () => onMarkUnread(messageId),
            },
            {
              key: "delete",
              text: t("mail.actions.delete"),
              icon: "Delete",
              onClick: () => onDelete(messageId),
              testId: "view-delete",
            },
          ]),
  ];

  return (
    <article className={classes.view} aria-labelledby="message-subject" data-testid="message-view">
      <Toolbar items={commands} label={t("mail.view.actions")} />
      {error instanceof ApiError && error.id === "id_check_required" ? (
        <IdCheck messageId={messageId} source={source} onPassed={() => void load()} />
      ) : error ? (
        <MailError error={error} />
      ) : null}
      {!message && !error ? (
        <Spinner size={SpinnerSize.medium} label={t("common.loading")} styles={{ root: { margin: 24 } }} />
      ) : null}
      {message ? (
        <>
          <h2
            id="message-subject"
            ref={heading}
            tabIndex={-1}
            className={classes.subject}
            data-testid="message-subject"
          >
            {message.subject || t("mail.list.noSubject")}
          </h2>
          <dl className={classes.meta}>
            <dt className={classes.metaLabel}>{t("mail.view.from")}</dt>
            <dd style={{ margin: 0, overflowWrap: "anywhere" }}>
              {message.sender
                ? message.sender.name
                  ? `${message.sender.name} <${message.sender.email}>`
                  : message.sender.email
                : "—"}
            </dd>
            <dt className={classes.metaLabel}>{t("mail.view.to")}</dt>
            <dd style={{ margin: 0 }} className={classes.people} data-testid="message-recipients">
              {message.recipients.map((r) => (
                <span key={r.id} style={{ display: "inline-flex", alignItems: "center", gap: 6, flexWrap: "wrap" }}>
                  {r.name ?? r.email}
                  {r.status ? <StatusBadge status={r.status} /> : null}
                  {r.status &&
                  message.sender?.id === user?.id &&
                  ["queued", "notified", "opened"].includes(r.status) &&
                  !r.name ? (
                    <CorrectMobile messageId={message.id} recipient={r} />
                  ) : null}
                </span>
              ))}
            </dd>
            <dt className={classes.metaLabel}>{t("mail.view.date")}</dt>
            <dd style={{ margin: 0 }}>
              {new Date(message.createdAt).toLocaleString(i18n.language === "en" ? "en-GB" : "sv-SE")}
            </dd>
          </dl>
          <MailboxEvents events={message.mailboxEvents} />
          <div className={classes.flags}>
            {message.options.eyesOnly ? (
              <span className={classes.flag}>
                <FontIcon iconName="RedEye" aria-hidden="true" />
                {t("mail.security.eyesOnly.name")}
              </span>
            ) : null}
            {message.options.burnAfterReading ? (
              <span className={classes.flag}>
                <FontIcon iconName="Fire" aria-hidden="true" />
                {t("mail.security.burnAfterReading.name")}
              </span>
            ) : null}
            {message.options.expiresAt ? (
              <span className={classes.flag}>
                <FontIcon iconName="Clock" aria-hidden="true" />
                {t("mail.view.expires", {
                  date: new Date(message.options.expiresAt).toLocaleDateString(
                    i18n.language === "en" ? "en-GB" : "sv-SE",
                  ),
                })}
              </span>
            ) : null}
          </div>
          {message.revealRequired ? (
            <div>
              <MessageBar messageBarType={MessageBarType.warning} isMultiline>
                {t("mail.view.burnWarning")}
              </MessageBar>
              <PrimaryButton
                style={{ marginTop: 12 }}
                onClick={() => void handleReveal()}
                disabled={revealing}
                data-testid="reveal"
              >
                {t("mail.view.reveal")}
              </PrimaryButton>
            </div>
          ) : (
            <Pivot aria-label={t("mail.view.tabs")} styles={{ root: { marginBottom: 8 } }}>
              <PivotItem headerText={t("mail.view.messageTab")} itemKey="message">
                <Body message={message} />
                {message.attachments.length > 0 ? (
                  <section aria-labelledby="attachments-title">
                    <h3 id="attachments-title" style={{ fontSize: 15, margin: "18px 0 0" }}>
                      {t("mail.view.attachments", { count: message.attachments.length })}
                    </h3>
                    {message.options.eyesOnly ? (
                      <p style={{ fontSize: 14, color: colors.textSecondary }}>{t("mail.view.eyesOnlyNoDownload")}</p>
                    ) : null}
                    <ul className={classes.attachments}>
                      {message.attachments.map((a) => (
                        <li key={a.id} className={classes.attachment}>
                          <FontIcon iconName="Attach" aria-hidden="true" />
                          <span className={classes.fileName}>{a.name}</span>
                          <span style={{ color: colors.textMuted, flexShrink: 0 }}>
                            {formatSize(a.size, i18n.language)}
                          </span>
                          {message.options.eyesOnly || shared ? null : (
                            <a
                              href={messagesApi.attachmentUrl(message.id, a.id)}
                              download={a.name}
                              data-testid="attachment-download"
                              aria-label={t("mail.view.download", { name: a.name })}
                            >
                              <FontIcon iconName="Download" aria-hidden="true" /> {t("mail.view.downloadShort")}
                            </a>
                          )}
                        </li>
                      ))}
                    </ul>
                  </section>
                ) : null}
              </PivotItem>
              {thread && thread.length > 1 ? (
                <PivotItem headerText={t("mail.view.historyTab", { count: thread.length })} itemKey="history">
                  <ol className={classes.thread} data-testid="thread">
                    {thread.map((m) => (
                      <li
                        key={m.id}
                        className={`${classes.threadItem} ${m.id === message.id ? classes.threadCurrent : ""}`}
                      >
                        <div className={classes.threadHead}>
                          <strong>{m.sender?.name ?? m.sender?.email ?? "—"}</strong>
                          <span>{formatDate(m.createdAt, i18n.language)}</span>
                        </div>
                        <MailboxEvents events={m.mailboxEvents} />
                        {m.available ? (
                          m.revealRequired ? (
                            <em>{t("mail.view.historyBurn")}</em>
                          ) : (
                            <>
                              <div style={{ fontWeight: 600, marginBottom: 4 }}>
                                {m.subject || t("mail.list.noSubject")}
                              </div>
                              <Body message={m} />
                            </>
                          )
                        ) : (
                          <em>{t(`mail.view.gone.${m.state}`, { defaultValue: t("mail.view.gone.other") })}</em>
                        )}
                      </li>
                    ))}
                  </ol>
                </PivotItem>
              ) : null}
            </Pivot>
          )}
        </>
      ) : null}
    </article>
  );
}
