import { useState, type FormEvent } from "react";
import { DefaultButton, Dialog, DialogFooter, DialogType, PrimaryButton, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import { adminApi, adminMailboxApi, type AdminMailbox } from "../../api/admin.js";
import { MailboxMembersCard } from "../../components/MailboxMembersCard.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

interface MailboxAdminProps {
  mailbox: AdminMailbox;
  onChanged(text: string): void;
}

/**
 * Rename and delete (issue 11). Deleting asks first; a mailbox that still holds messages is
 * refused by the server (`mailbox_not_empty`) and the dialog then says how many, and that they
 * are shredded for the mailbox, before offering to delete it with them.
 */
function MailboxAdmin({ mailbox, onChanged }: MailboxAdminProps) {
  const { t } = useTranslation();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(mailbox.name);
  const [deleting, setDeleting] = useState<null | { messages: number | null }>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const handleRename = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await adminMailboxApi.rename(mailbox.id, name.trim());
      setRenaming(false);
      onChanged(t("admin.mailboxes.renamed", { name: res.mailbox.name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleDelete = async () => {
    if (!deleting) return;
    setBusy(true);
    setError(null);
    try {
      await adminMailboxApi.remove(mailbox.id, deleting.messages !== null);
      setDeleting(null);
      onChanged(t("admin.mailboxes.deleted", { name: mailbox.name }));
    } catch (err) {
      if (err instanceof ApiError && err.id === "mailbox_not_empty") {
        setDeleting({ messages: typeof err.details.messages === "number" ? err.details.messages : 0 });
      } else {
        setDeleting(null);
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={adminClasses.filters} style={{ marginTop: 16 }}>
      {renaming ? (
        <form className={adminClasses.filters} onSubmit={(e) => void handleRename(e)}>
          <TextField
            label={t("admin.mailboxes.newName")}
            value={name}
            onChange={(_e, v) => setName(v ?? "")}
            maxLength={200}
            required
            className={adminClasses.grow}
            data-testid="mailbox-rename-name"
          />
          <PrimaryButton type="submit" disabled={busy || !name.trim()} data-testid="mailbox-rename-save">
            {t("settings.save")}
          </PrimaryButton>
          <DefaultButton onClick={() => setRenaming(false)}>{t("settings.cancel")}</DefaultButton>
        </form>
      ) : (
        <DefaultButton
          text={t("admin.mailboxes.rename")}
          ariaLabel={t("admin.mailboxes.renameNamed", { name: mailbox.name })}
          onClick={() => {
            setName(mailbox.name);
            setRenaming(true);
          }}
          data-testid="mailbox-rename"
        />
      )}
      <DefaultButton
        text={t("admin.mailboxes.delete")}
        ariaLabel={t("admin.mailboxes.deleteNamed", { name: mailbox.name })}
        onClick={() => setDeleting({ messages: null })}
        disabled={busy}
        data-testid="mailbox-delete"
      />
      <SettingsError error={error} />
      <Dialog
        hidden={!deleting}
        onDismiss={() => setDeleting(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("admin.mailboxes.deleteTitle", { name: mailbox.name }),
          subText:
            deleting?.messages != null
              ? t("admin.mailboxes.deleteWithMessages", { count: deleting.messages })
              : t("admin.mailboxes.deleteText", { email: mailbox.email }),
        }}
        modalProps={{ isBlocking: false }}
      >
        <DialogFooter>
          <PrimaryButton disabled={busy} onClick={() => void handleDelete()} data-testid="confirm-delete">
            {deleting?.messages != null ? t("admin.mailboxes.deleteAll") : t("admin.mailboxes.delete")}
          </PrimaryButton>
          <DefaultButton onClick={() => setDeleting(null)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </div>
  );
}

/** Shared (function) mailboxes (issue 11, F25): create them and manage their members and rights. */
export function MailboxesPage() {
  const { t } = useTranslation();
  const mailboxes = useLoad(adminMailboxApi.list);
  const people = useLoad(async () => (await adminApi.users({ limit: 200 })).users);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const changed = (text: string) => {
    setDone(text);
    void mailboxes.reload();
  };

  const handleCreate = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const created = await adminMailboxApi.create(name.trim(), email.trim());
      setDone(t("admin.mailboxes.created", { name: created.mailbox.name }));
      setName("");
      setEmail("");
      await mailboxes.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <SettingsCard id="mailbox-create" title={t("admin.mailboxes.title")} lead={t("admin.mailboxes.intro")}>
        <form className={adminClasses.filters} onSubmit={(e) => void handleCreate(e)}>
          <TextField
            label={t("admin.mailboxes.name")}
            value={name}
            onChange={(_e, v) => setName(v ?? "")}
            maxLength={200}
            required
            className={adminClasses.grow}
            data-testid="mailbox-name"
          />
          <TextField
            label={t("admin.mailboxes.email")}
            value={email}
            onChange={(_e, v) => setEmail(v ?? "")}
            type="email"
            maxLength={320}
            required
            placeholder={t("admin.mailboxes.emailExample")}
            className={adminClasses.grow}
            data-testid="mailbox-email"
          />
          <PrimaryButton type="submit" disabled={busy || !name.trim() || !email.trim()} data-testid="mailbox-create">
            {t("admin.mailboxes.create")}
          </PrimaryButton>
        </form>
        <SettingsError error={error} />
      </SettingsCard>
      <SettingsSuccess text={done} testId="mailboxes-done" />
      <SettingsError error={mailboxes.error ?? people.error} />
      {!mailboxes.data && !mailboxes.error ? <Spinner label={t("common.loading")} /> : null}
      {mailboxes.data?.length === 0 ? <p data-testid="mailboxes-none">{t("admin.mailboxes.none")}</p> : null}
      {(mailboxes.data ?? []).map((m) => (
        <MailboxMembersCard
          key={m.id}
          mailbox={m}
          people={(people.data ?? []).filter((p) => p.status === "active")}
          actions={{
            setMember: (userId, rights) => adminMailboxApi.setMember(m.id, userId, rights),
            removeMember: (userId) => adminMailboxApi.removeMember(m.id, userId),
          }}
          onChanged={changed}
        >
          <MailboxAdmin mailbox={m} onChanged={changed} />
        </MailboxMembersCard>
      ))}
    </>
  );
}
