import { useCallback, useEffect, useMemo, useState } from "react";
import {
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  mergeStyleSets,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  SearchBox,
  Spinner,
  SpinnerSize,
  type IContextualMenuItem,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import {
  messagesApi,
  sharedApi,
  systemFolders,
  type Folder,
  type MailboxItem,
  type Message,
  type SharedMailbox,
} from "../../api/messages.js";
import { FolderList } from "./FolderList.js";
import { MessageList } from "./MessageList.js";
import { MessageView } from "./MessageView.js";
import { MailError } from "./mailErrors.js";
import { Toolbar, type ToolbarItem } from "./Toolbar.js";
import { StatusLegend } from "./StatusBadge.js";
import { registerMailIcons } from "./icons.js";
import { colors } from "../../theme.js";

registerMailIcons();

const PAGE = 50;

const classes = mergeStyleSets({
  layout: {
    display: "grid",
    gridTemplateColumns: "210px minmax(0, 380px) minmax(0, 1fr)",
    gap: 16,
    alignItems: "start",
    "@media (max-width: 1000px)": { gridTemplateColumns: "190px minmax(0, 1fr)" },
    "@media (max-width: 700px)": { gridTemplateColumns: "minmax(0, 1fr)" },
  },
  viewCell: { "@media (max-width: 1000px)": { gridColumn: "1 / -1" } },
  hideNarrow: { "@media (max-width: 1000px)": { display: "none" } },
  title: { fontSize: 24, fontWeight: 600, margin: "0 0 12px" },
  toolbar: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8, marginBottom: 8 },
  search: { flex: "1 1 200px", minWidth: 0 },
  more: { display: "flex", justifyContent: "center", marginTop: 12 },
  placeholder: {
    color: colors.textMuted,
    padding: 24,
    background: colors.surface,
    border: `1px dashed ${colors.borderStrong}`,
    borderRadius: 8,
    textAlign: "center",
  },
});

function isSystem(folder: string): boolean {
  return (systemFolders as readonly string[]).includes(folder);
}

/** The folders a shared mailbox shows (F25). */
export const sharedFolders = ["inbox", "sent"] as const;

/**
 * The mailbox (F11): folders, the message list with selection, drag and drop and search, and the
 * open message. Under /shared/:mailboxId/… the same page shows a shared mailbox the user is a
 * member of (F25): its inbox and sent folders, read and answered as the mailbox.
 */
export function MailboxPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { folder = "inbox", messageId, mailboxId } = useParams();
  const [mailboxes, setMailboxes] = useState<SharedMailbox[]>([]);
  const shared = useMemo(
    () => (mailboxId ? { mailboxId, source: sharedApi.source(mailboxId) } : undefined),
    [mailboxId],
  );
  const sharedBox = mailboxes.find((m) => m.id === mailboxId);
  const base = mailboxId ? `/shared/${mailboxId}` : "/mailbox";
  const [items, setItems] = useState<MailboxItem[]>([]);
  const [total, setTotal] = useState(0);
  const [unread, setUnread] = useState<Record<string, number>>({});
  const [folders, setFolders] = useState<Folder[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [confirm, setConfirm] = useState<{ kind: "empty" } | { kind: "deleteForGood"; ids: string[] } | null>(null);

  const folderName = useCallback(
    (key: string) =>
      isSystem(key) ? t(`mail.folders.${key}`) : (folders.find((f) => f.id === key)?.name ?? t("mail.folders.unknown")),
    [folders, t],
  );

  const loadFolders = useCallback(async () => {
    try {
      setFolders((await messagesApi.folders()).folders);
    } catch {
      setFolders([]);
    }
    try {
      setMailboxes(await sharedApi.mine());
    } catch {
      setMailboxes([]);
    }
  }, []);

  const listPage = useCallback(
    (name: string, opts: { q?: string; limit?: number; offset?: number }) =>
      mailboxId ? sharedApi.list(mailboxId, name, opts) : messagesApi.list(name, opts),
    [mailboxId],
  );

  const loadList = useCallback(
    async (opts: { append?: boolean } = {}) => {
      setLoading(true);
      setError(null);
      try {
        const page = await listPage(folder, {
          q: query || undefined,
          limit: PAGE,
          offset: opts.append ? items.length : 0,
        });
        setItems((prev) => (opts.append ? [...prev, ...page.items] : page.items));
        setTotal(page.total);
        setUnread(page.unread);
      } catch (err) {
        setError(err);
        if (!opts.append) setItems([]);
      } finally {
        setLoading(false);
      }
    },
    // items.length only matters for "load more"
    [folder, query, listPage],
  );

  useEffect(() => {
    void loadFolders();
  }, [loadFolders]);
  useEffect(() => {
    setSelected(new Set());
    setAnchor(null);
    void loadList();
  }, [loadList]);
  useEffect(() => {
    setSearch("");
    setQuery("");
    setNotice(null);
  }, [folder]);

  const refresh = async (text?: string) => {
    await Promise.all([loadList(), loadFolders()]);
    setSelected(new Set());
    if (text) setNotice(text);
  };

  const act = async (run: () => Promise<unknown>, text: string, closeView = false) => {
    setError(null);
    try {
      await run();
      if (closeView) navigate(`${base}/${folder}`);
      await refresh(text);
    } catch (err) {
      setError(err);
    }
  };

  const moveTo = (ids: string[], target: string) => {
    if (target === "trash")
      return act(
        () => messagesApi.trash(ids),
        t("mail.notice.trashed", { count: ids.length }),
        ids.includes(messageId ?? ""),
      );
    return act(
      () => messagesApi.move(ids, target),
      t("mail.notice.moved", { count: ids.length, folder: folderName(target) }),
      ids.includes(messageId ?? ""),
    );
  };

  const targets = useMemo(
    () =>
      [
        ...(["inbox", "sent", "saved"] as const).map((k) => ({ key: k, text: t(`mail.folders.${k}`) })),
        ...folders.map((f) => ({ key: f.id, text: f.name })),
      ].filter((x) => x.key !== folder),
    [folders, folder, t],
  );
  const moveMenu = (ids: () => string[]): IContextualMenuItem[] =>
    targets.map((x) => ({
      key: x.key,
      text: x.text,
      iconProps: { iconName: "FolderHorizontal" },
      onClick: () => void moveTo(ids(), x.key),
      "data-testid": `move-to-${x.text}`,
    }));

  const selectedIds = [...selected];
  const inTrash = folder === "trash";
  const sharedCommands: ToolbarItem[] = [
    ...(sharedBox?.rights.send
      ? [
          {
            key: "new",
            text: t("mail.actions.new"),
            icon: "Edit",
            onClick: () => {
              void navigate(`/compose?mailbox=${encodeURIComponent(sharedBox.id)}`);
            },
            testId: "new-message",
          },
        ]
      : []),
    { key: "refresh", text: t("mail.actions.refresh"), icon: "Refresh", iconOnly: true, onClick: () => void refresh() },
  ];
  const personalCommands: ToolbarItem[] = [
    {
      key: "new",
      text: t("mail.actions.new"),
      icon: "Edit",
      onClick: () => {
        void navigate("/compose");
      },
      testId: "new-message",
    },
    ...(selectedIds.length
      ? inTrash
        ? [
            {
              key: "restore",
              text: t("mail.actions.restore"),
              icon: "Undo",
              onClick: () =>
                void act(
                  () => messagesApi.restore(selectedIds),
                  t("mail.notice.restored", { count: selectedIds.length }),
                ),
            },
            {
              key: "forGood",
              text: t("mail.actions.deleteForGood"),
              icon: "Delete",
              onClick: () => setConfirm({ kind: "deleteForGood", ids: selectedIds }),
            },
          ]
        : [
            {
              key: "move",
              text: t("mail.actions.move"),
              icon: "MoveToFolder",
              menu: moveMenu(() => selectedIds),
              testId: "move-selected",
            },
            {
              key: "read",
              text: t("mail.actions.markRead"),
              icon: "Read",
              onClick: () =>
                void act(
                  () => messagesApi.mark(selectedIds, false),
                  t("mail.notice.marked", { count: selectedIds.length }),
                ),
            },
            {
              key: "unread",
              text: t("mail.actions.markUnread"),
              icon: "MailUnread",
              onClick: () =>
                void act(
                  () => messagesApi.mark(selectedIds, true),
                  t("mail.notice.marked", { count: selectedIds.length }),
                ),
            },
            {
              key: "delete",
              text: t("mail.actions.delete"),
              icon: "Delete",
              onClick: () => void moveTo(selectedIds, "trash"),
              testId: "delete-selected",
            },
          ]
      : []),
    ...(inTrash && items.length > 0
      ? [
          {
            key: "empty",
            text: t("mail.actions.emptyTrash"),
            icon: "Delete",
            onClick: () => setConfirm({ kind: "empty" }),
            testId: "empty-trash",
          },
        ]
      : []),
    { key: "refresh", text: t("mail.actions.refresh"), icon: "Refresh", iconOnly: true, onClick: () => void refresh() },
  ];
  const commands = mailboxId ? sharedCommands : personalCommands;

  const handleRowClick = (id: string, mods: { ctrl: boolean; shift: boolean }) => {
    if (mods.shift && anchor) {
      const a = items.findIndex((i) => i.id === anchor);
      const b = items.findIndex((i) => i.id === id);
      const [from, to] = a < b ? [a, b] : [b, a];
      setSelected(new Set(items.slice(from, to + 1).map((i) => i.id)));
      return;
    }
    if (mods.ctrl) {
      toggle(id);
      return;
    }
    // A draft opens back into the composer, to finish and send.
    if (folder === "drafts") {
      navigate(`/compose?draft=${encodeURIComponent(id)}`);
      return;
    }
    setSelected(new Set([id]));
    setAnchor(id);
    navigate(`${base}/${folder}/${id}`);
  };

  const toggle = (id: string) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
    setAnchor(id);
  };

  const handleConfirm = async () => {
    const c = confirm;
    setConfirm(null);
    if (!c) return;
    if (c.kind === "empty") await act(() => messagesApi.emptyTrash(), t("mail.notice.emptied"), true);
    else
      await act(
        () => messagesApi.deleteForGood(c.ids),
        t("mail.notice.deletedForGood", { count: c.ids.length }),
        c.ids.includes(messageId ?? ""),
      );
  };

  const handleReply = (m: Message) =>
    navigate(
      `/compose?replyTo=${encodeURIComponent(m.id)}${mailboxId ? `&mailbox=${encodeURIComponent(mailboxId)}` : ""}`,
    );

  if (mailboxId && !(sharedFolders as readonly string[]).includes(folder))
    return <Navigate to={`/shared/${mailboxId}/inbox`} replace />;
  if (!isSystem(folder) && !/^[0-9a-f-]{36}$/.test(folder)) return <Navigate to="/mailbox/inbox" replace />;

  const viewOpen = !!messageId;
  const emptyText = query
    ? t("mail.list.noHits", { q: query })
    : t(`mail.list.empty.${isSystem(folder) ? folder : "custom"}`);
  return (
    <div className={classes.layout}>
      <div className={viewOpen ? classes.hideNarrow : undefined}>
        <FolderList
          current={mailboxId ? "" : folder}
          folders={folders}
          unread={mailboxId ? {} : unread}
          mailboxes={mailboxes}
          currentShared={mailboxId ? { mailboxId, folder } : undefined}
          onDropMessages={(ids, target) => void moveTo(ids, target)}
          onChanged={(removed) => {
            if (removed && removed === folder) navigate("/mailbox/inbox");
            void refresh();
          }}
        />
      </div>
      <section className={viewOpen ? classes.hideNarrow : undefined} aria-labelledby="folder-title">
        <h1 id="folder-title" className={classes.title} data-testid="folder-title">
          {mailboxId
            ? t("mail.shared.title", { folder: folderName(folder), mailbox: sharedBox?.name ?? "" })
            : folderName(folder)}
        </h1>
        <div className={classes.toolbar}>
          <form
            role="search"
            className={classes.search}
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(search.trim());
            }}
          >
            <SearchBox
              placeholder={t("mail.search.placeholder", { folder: folderName(folder) })}
              ariaLabel={t("mail.search.label", { folder: folderName(folder) })}
              value={search}
              onChange={(_, v) => setSearch(v ?? "")}
              onSearch={(v) => setQuery(v.trim())}
              onClear={() => setQuery("")}
              data-testid="search"
            />
          </form>
        </div>
        <Toolbar items={commands} label={t("mail.actions.label")} />
        <div role="status" aria-live="polite">
          {notice ? (
            <MessageBar
              messageBarType={MessageBarType.success}
              onDismiss={() => setNotice(null)}
              dismissButtonAriaLabel={t("mail.common.close")}
              data-testid="notice"
            >
              {notice}
            </MessageBar>
          ) : null}
          {query ? (
            <p style={{ margin: "6px 0" }} data-testid="search-status">
              {t("mail.search.results", { count: total, q: query })}
            </p>
          ) : null}
          {selectedIds.length > 1 ? (
            <p style={{ margin: "6px 0", fontSize: 14 }}>{t("mail.list.selected", { count: selectedIds.length })}</p>
          ) : null}
        </div>
        <MailError error={error} />
        {folder === "drafts" && items.length > 0 ? (
          <p style={{ margin: "6px 0 10px", fontSize: 14, color: colors.textSecondary }}>{t("mail.list.draftsHelp")}</p>
        ) : null}
        {loading && items.length === 0 ? (
          <Spinner size={SpinnerSize.medium} label={t("common.loading")} styles={{ root: { margin: 24 } }} />
        ) : (
          <MessageList
            items={items}
            selected={selected}
            openId={messageId}
            emptyText={emptyText}
            onRowClick={handleRowClick}
            onToggle={toggle}
          />
        )}
        {items.length < total ? (
          <div className={classes.more}>
            <DefaultButton onClick={() => void loadList({ append: true })} disabled={loading}>
              {t("mail.list.more")}
            </DefaultButton>
          </div>
        ) : null}
        {folder === "sent" ? <StatusLegend /> : null}
      </section>
      <div className={`${classes.viewCell} ${viewOpen ? "" : classes.hideNarrow}`}>
        {messageId ? (
          <MessageView
            key={messageId}
            messageId={messageId}
            moveItems={moveMenu(() => [messageId])}
            inTrash={inTrash}
            onReply={handleReply}
            onDelete={(id) => void moveTo([id], "trash")}
            onRestore={(id) => void act(() => messagesApi.restore([id]), t("mail.notice.restored", { count: 1 }), true)}
            onMarkUnread={(id) =>
              void act(() => messagesApi.mark([id], true), t("mail.notice.marked", { count: 1 }), true)
            }
            onClose={() => navigate(`${base}/${folder}`)}
            onOpened={() => {
              setItems((prev) => prev.map((i) => (i.id === messageId ? { ...i, unread: false } : i)));
              void listPage(folder, { limit: 1 }).then(
                (p) => setUnread(p.unread),
                () => undefined,
              );
              if (mailboxId) void sharedApi.mine().then(setMailboxes, () => undefined);
            }}
            shared={shared}
          />
        ) : (
          <p className={classes.placeholder}>{t("mail.view.none")}</p>
        )}
      </div>
      <Dialog
        hidden={!confirm}
        onDismiss={() => setConfirm(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: confirm?.kind === "empty" ? t("mail.confirm.emptyTitle") : t("mail.confirm.deleteTitle"),
          subText:
            confirm?.kind === "empty"
              ? t("mail.confirm.emptyText")
              : t("mail.confirm.deleteText", { count: confirm?.kind === "deleteForGood" ? confirm.ids.length : 0 }),
        }}
        modalProps={{ isBlocking: true }}
      >
        <DialogFooter>
          <PrimaryButton
            onClick={() => void handleConfirm()}
            data-testid="confirm-delete"
            styles={{
              root: { background: colors.danger, borderColor: colors.danger },
              rootHovered: { background: colors.dangerHover, borderColor: colors.dangerHover },
            }}
          >
            {confirm?.kind === "empty" ? t("mail.confirm.emptyButton") : t("mail.confirm.deleteButton")}
          </PrimaryButton>
          <DefaultButton onClick={() => setConfirm(null)}>{t("mail.common.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </div>
  );
}
