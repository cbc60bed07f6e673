import { useState, type FormEvent } from "react";
import {
  Checkbox,
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  Dropdown,
  PrimaryButton,
  Spinner,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminApi, adminMailboxApi, type AdminMailbox, type AdminUser } from "../../api/admin.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

type Member = AdminMailbox["members"][number];

interface MailboxCardProps {
  mailbox: AdminMailbox;
  people: AdminUser[];
  onChanged(mailbox: AdminMailbox, text: string): void;
}

/** One mailbox: its members with their rights (changed at once), adding and removing members. */
function MailboxCard({ mailbox, people, onChanged }: MailboxCardProps) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState<string | undefined>(undefined);
  const [send, setSend] = useState(false);
  const [manage, setManage] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const memberIds = new Set(mailbox.members.map((m) => m.userId));
  const candidates = people.filter((p) => p.status === "active" && !memberIds.has(p.id));
  const label = (m: { name: string | null; email: string }) => m.name ?? m.email;

  const run = async (action: () => Promise<{ mailbox: AdminMailbox }>, text: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged((await action()).mailbox, text);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const handleAdd = async (e: FormEvent) => {
    e.preventDefault();
    if (!adding) return;
    const person = people.find((p) => p.id === adding);
    const ok = await run(
      () => adminMailboxApi.setMember(mailbox.id, adding, { send, manage }),
      t("admin.mailboxes.added", { name: person ? label(person) : "", mailbox: mailbox.name }),
    );
    if (ok) {
      setAdding(undefined);
      setSend(false);
      setManage(false);
    }
  };

  const toggle = (m: Member, right: "send" | "manage", value: boolean) =>
    void run(
      () =>
        adminMailboxApi.setMember(mailbox.id, m.userId, {
          send: m.rights.send,
          manage: m.rights.manage,
          [right]: value,
        }),
      t("admin.mailboxes.changed", { name: label(m) }),
    );

  return (
    <SettingsCard
      id={`mailbox-${mailbox.id}`}
      title={mailbox.name}
      lead={t("admin.mailboxes.lead", { email: mailbox.email, version: mailbox.keyVersion })}
    >
      <SettingsError error={error} />
      {mailbox.members.length === 0 ? (
        <p data-testid="mailbox-no-members">{t("admin.mailboxes.noMembers")}</p>
      ) : (
        <table className={settingsClasses.table} data-testid="mailbox-members">
          <caption className="visually-hidden">{t("admin.mailboxes.membersOf", { mailbox: mailbox.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.mailboxes.member")}</th>
              <th scope="col">{t("admin.mailboxes.rights.read")}</th>
              <th scope="col">{t("admin.mailboxes.rights.send")}</th>
              <th scope="col">{t("admin.mailboxes.rights.manage")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("admin.mailboxes.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mailbox.members.map((m) => (
              <tr key={m.userId} data-testid="mailbox-member" data-email={m.email}>
                <td className={adminClasses.person}>
                  <span className={adminClasses.name}>{label(m)}</span>
                  <span className={adminClasses.email}>{m.email}</span>
                </td>
                <td data-label={t("admin.mailboxes.rights.read")}>
                  <Checkbox
                    checked
                    disabled
                    ariaLabel={t("admin.mailboxes.rightOf", {
                      right: t("admin.mailboxes.rights.read"),
                      name: label(m),
                    })}
                  />
                </td>
                {(["send", "manage"] as const).map((right) => (
                  <td key={right} data-label={t(`admin.mailboxes.rights.${right}`)}>
                    <Checkbox
                      checked={m.rights[right]}
                      disabled={busy}
                      onChange={(_e, v) => toggle(m, right, !!v)}
                      ariaLabel={t("admin.mailboxes.rightOf", {
                        right: t(`admin.mailboxes.rights.${right}`),
                        name: label(m),
                      })}
                      data-testid={`right-${right}`}
                    />
                  </td>
                ))}
                <td>
                  <DefaultButton
                    text={t("admin.mailboxes.remove")}
                    ariaLabel={t("admin.mailboxes.removeNamed", { name: label(m) })}
                    onClick={() => setRemoving(m)}
                    disabled={busy}
                    data-testid="member-remove"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className={adminClasses.filters} style={{ marginTop: 16 }} onSubmit={(e) => void handleAdd(e)}>
        <Dropdown
          label={t("admin.mailboxes.addLabel")}
          placeholder={t("admin.mailboxes.addPlaceholder")}
          selectedKey={adding ?? null}
          onChange={(_e, o) => setAdding(o ? String(o.key) : undefined)}
          options={candidates.map((p) => ({ key: p.id, text: p.name ? `${p.name} <${p.email}>` : p.email }))}
          className={adminClasses.grow}
          data-testid="member-add-person"
        />
        <Checkbox
          label={t("admin.mailboxes.rights.send")}
          checked={send}
          onChange={(_e, v) => setSend(!!v)}
          data-testid="member-add-send"
        />
        <Checkbox
          label={t("admin.mailboxes.rights.manage")}
          checked={manage}
          onChange={(_e, v) => setManage(!!v)}
          data-testid="member-add-manage"
        />
        <PrimaryButton type="submit" disabled={!adding || busy} data-testid="member-add">
          {t("admin.mailboxes.add")}
        </PrimaryButton>
      </form>
      <p className={settingsClasses.itemMeta}>{t("admin.mailboxes.rightsHelp")}</p>
      <Dialog
        hidden={!removing}
        onDismiss={() => setRemoving(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: removing ? t("admin.mailboxes.confirmTitle", { name: label(removing) }) : "",
          subText: t("admin.mailboxes.confirmText", { mailbox: mailbox.name }),
        }}
        modalProps={{ isBlocking: false }}
      >
        <DialogFooter>
          <PrimaryButton
            disabled={busy}
            onClick={() => {
              const m = removing;
              setRemoving(null);
              if (m)
                void run(
                  () => adminMailboxApi.removeMember(mailbox.id, m.userId),
                  t("admin.mailboxes.removed", { name: label(m) }),
                );
            }}
            data-testid="confirm-remove"
          >
            {t("admin.mailboxes.remove")}
          </PrimaryButton>
          <DefaultButton onClick={() => setRemoving(null)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </SettingsCard>
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
        <MailboxCard
          key={m.id}
          mailbox={m}
          people={people.data ?? []}
          onChanged={(_updated, text) => {
            setDone(text);
            void mailboxes.reload();
          }}
        />
      ))}
    </>
  );
}
