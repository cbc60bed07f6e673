import { useState, type DragEvent } from "react";
import {
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  FontIcon,
  IconButton,
  mergeStyleSets,
  PrimaryButton,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { messagesApi, systemFolders, type Folder, type SharedMailbox } from "../../api/messages.js";
import { MailError } from "./mailErrors.js";
import { dragType, readDraggedIds } from "./dragData.js";
import { colors } from "../../theme.js";

const classes = mergeStyleSets({
  nav: { minWidth: 0 },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: 2 },
  item: { display: "flex", alignItems: "center", borderRadius: 6, minWidth: 0 },
  link: {
    flex: "1 1 auto",
    display: "flex",
    alignItems: "center",
    gap: 10,
    minWidth: 0,
    padding: "8px 10px",
    borderRadius: 6,
    color: colors.text,
    textDecoration: "none",
    selectors: { ":hover": { background: colors.hover } },
  },
  active: {
    background: colors.selected,
    fontWeight: 600,
    selectors: { ":hover": { background: colors.selectedHover } },
  },
  dropping: { outline: `2px dashed ${colors.primary}`, outlineOffset: -2, background: colors.dropTarget },
  name: { flex: "1 1 auto", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  count: {
    fontSize: 12,
    fontWeight: 600,
    background: colors.primary,
    color: colors.onPrimary,
    borderRadius: 10,
    padding: "0 7px",
    lineHeight: "20px",
  },
  icon: { color: colors.primary, fontSize: 16, display: "flex" },
  heading: {
    fontSize: 13,
    fontWeight: 600,
    color: colors.textSecondary,
    margin: "16px 10px 6px",
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
  },
});

const icons: Record<string, string> = { inbox: "Inbox", sent: "Send", drafts: "Edit", saved: "Save", trash: "Delete" };

interface FolderListProps {
  current: string;
  folders: Folder[];
  unread: Record<string, number>;
  onDropMessages(ids: string[], folder: string): void;
  onChanged(removedId?: string): void;
  /** Shared mailboxes the user is a member of (F25), each with its inbox and sent folders. */
  mailboxes?: SharedMailbox[];
  /** The shared mailbox folder shown now, if any. */
  currentShared?: { mailboxId: string; folder: string };
}

type Editing = { kind: "create" } | { kind: "rename"; folder: Folder } | { kind: "delete"; folder: Folder } | null;

/** The folder column: system folders and own folders (create, rename, delete); every folder but Drafts takes dropped messages. */
export function FolderList({
  current,
  folders,
  unread,
  onDropMessages,
  onChanged,
  mailboxes = [],
  currentShared,
}: FolderListProps) {
  const { t } = useTranslation();
  const [over, setOver] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const dropProps = (key: string) =>
    key === "drafts"
      ? {}
      : {
          onDragOver: (e: DragEvent) => {
            if (!e.dataTransfer.types.includes(dragType)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = "move";
            setOver(key);
          },
          onDragLeave: () => setOver((o) => (o === key ? null : o)),
          onDrop: (e: DragEvent) => {
            e.preventDefault();
            setOver(null);
            const ids = readDraggedIds(e.dataTransfer);
            if (ids.length) onDropMessages(ids, key);
          },
        };

  const row = (key: string, label: string, icon: string) => {
    const count = unread[key] ?? 0;
    return (
      <li
        key={key}
        className={`${classes.item} ${over === key ? classes.dropping : ""}`}
        {...dropProps(key)}
        data-folder={key}
      >
        <Link
          to={`/mailbox/${key}`}
          className={`${classes.link} ${current === key ? classes.active : ""}`}
          aria-current={current === key ? "page" : undefined}
        >
          <FontIcon iconName={icon} className={classes.icon} aria-hidden="true" />
          <span className={classes.name}>{label}</span>
          {count > 0 && key !== "trash" && key !== "sent" ? (
            <span className={classes.count}>
              {count}
              <span className="visually-hidden"> {t("mail.folders.unread")}</span>
            </span>
          ) : null}
        </Link>
      </li>
    );
  };

  const sharedRow = (m: SharedMailbox, key: "inbox" | "sent") => {
    const active = currentShared?.mailboxId === m.id && currentShared.folder === key;
    const count = key === "inbox" ? m.unread : 0;
    return (
      <li key={key} className={classes.item} data-shared-folder={`${m.id}:${key}`}>
        <Link
          to={`/shared/${m.id}/${key}`}
          className={`${classes.link} ${active ? classes.active : ""}`}
          aria-current={active ? "page" : undefined}
          aria-label={t("mail.shared.folderLabel", { folder: t(`mail.folders.${key}`), mailbox: m.name })}
        >
          <FontIcon iconName={icons[key]} className={classes.icon} aria-hidden="true" />
          <span className={classes.name}>{t(`mail.folders.${key}`)}</span>
          {count > 0 ? (
            <span className={classes.count}>
              {count}
              <span className="visually-hidden"> {t("mail.folders.unread")}</span>
            </span>
          ) : null}
        </Link>
      </li>
    );
  };

  const open = (next: Editing) => {
    setEditing(next);
    setError(null);
    setName(next && next.kind === "rename" ? next.folder.name : "");
  };

  const handleSave = async () => {
    if (!editing) return;
    setBusy(true);
    setError(null);
    try {
      if (editing.kind === "create") await messagesApi.createFolder(name.trim());
      if (editing.kind === "rename") await messagesApi.renameFolder(editing.folder.id, name.trim());
      if (editing.kind === "delete") await messagesApi.deleteFolder(editing.folder.id);
      onChanged(editing.kind === "delete" ? editing.folder.id : undefined);
      setEditing(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <nav className={classes.nav} aria-label={t("mail.folders.label")}>
      <ul className={classes.list}>{systemFolders.map((f) => row(f, t(`mail.folders.${f}`), icons[f]))}</ul>
      <h2 className={classes.heading}>
        <span>{t("mail.folders.own")}</span>
        <IconButton
          iconProps={{ iconName: "Add" }}
          title={t("mail.folders.create")}
          ariaLabel={t("mail.folders.create")}
          onClick={() => open({ kind: "create" })}
          data-testid="folder-create"
        />
      </h2>
      <ul className={classes.list}>
        {folders.map((f) => (
          <li key={f.id} style={{ display: "flex", alignItems: "center" }}>
            <ul className={classes.list} style={{ flex: "1 1 auto", minWidth: 0 }}>
              {row(f.id, f.name, "FolderHorizontal")}
            </ul>
            <IconButton
              iconProps={{ iconName: "More" }}
              title={t("mail.folders.actions", { name: f.name })}
              ariaLabel={t("mail.folders.actions", { name: f.name })}
              menuIconProps={{ iconName: "" }}
              menuProps={{
                items: [
                  {
                    key: "rename",
                    text: t("mail.folders.rename"),
                    iconProps: { iconName: "Edit" },
                    onClick: () => open({ kind: "rename", folder: f }),
                  },
                  {
                    key: "delete",
                    text: t("mail.folders.delete"),
                    iconProps: { iconName: "Delete" },
                    onClick: () => open({ kind: "delete", folder: f }),
                  },
                ],
              }}
              data-testid={`folder-menu-${f.name}`}
            />
          </li>
        ))}
        {folders.length === 0 ? (
          <li style={{ fontSize: 13, color: colors.textMuted, padding: "0 10px" }}>{t("mail.folders.none")}</li>
        ) : null}
      </ul>
      {mailboxes.length > 0 ? (
        <>
          <h2 className={classes.heading}>
            <span>{t("mail.shared.heading")}</span>
          </h2>
          <ul className={classes.list} data-testid="shared-mailboxes">
            {mailboxes.map((m) => (
              <li key={m.id}>
                <div
                  style={{ fontSize: 13, fontWeight: 600, padding: "4px 10px", overflowWrap: "anywhere" }}
                  title={m.email}
                >
                  {m.name}
                </div>
                <ul className={classes.list}>
                  {(["inbox", "sent"] as const).map((key) => sharedRow(m, key))}
                  {m.rights.manage ? (
                    <li className={classes.item}>
                      <Link
                        to="/settings/mailboxes"
                        className={classes.link}
                        aria-label={t("mail.shared.membersOf", { mailbox: m.name })}
                        data-testid={`shared-members-${m.id}`}
                      >
                        <FontIcon iconName="People" className={classes.icon} aria-hidden="true" />
                        <span className={classes.name}>{t("mail.shared.members")}</span>
                      </Link>
                    </li>
                  ) : null}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Dialog
        hidden={!editing}
        onDismiss={() => setEditing(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: editing ? t(`mail.folders.dialog.${editing.kind}`) : "",
          subText:
            editing?.kind === "delete" ? t("mail.folders.dialog.deleteText", { name: editing.folder.name }) : undefined,
        }}
        modalProps={{ isBlocking: false }}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void handleSave();
          }}
        >
          {editing && editing.kind !== "delete" ? (
            <TextField
              label={t("mail.folders.name")}
              value={name}
              onChange={(_, v) => setName(v ?? "")}
              maxLength={100}
              autoFocus
              required
              data-testid="folder-name"
            />
          ) : null}
          <MailError error={error} />
          <DialogFooter>
            <PrimaryButton
              type="submit"
              disabled={busy || (editing?.kind !== "delete" && !name.trim())}
              data-testid="folder-save"
            >
              {editing?.kind === "delete" ? t("mail.folders.delete") : t("mail.common.save")}
            </PrimaryButton>
            <DefaultButton onClick={() => setEditing(null)}>{t("mail.common.cancel")}</DefaultButton>
          </DialogFooter>
        </form>
      </Dialog>
    </nav>
  );
}
