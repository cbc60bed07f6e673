import { useState, type FormEvent, type ReactNode } from "react";
import { Checkbox, DefaultButton, Dialog, DialogFooter, DialogType, Dropdown, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { SettingsCard } from "../pages/settings/SettingsCard.js";
import { SettingsError } from "../pages/settings/SettingsError.js";
import { settingsClasses } from "../pages/settings/settingsStyles.js";
import { adminClasses } from "../pages/admin/adminStyles.js";

export interface MailboxMember {
  userId: string;
  name: string | null;
  email: string;
  rights: { read: boolean; send: boolean; manage: boolean };
}
type Member = MailboxMember;

/** Someone who may be added: an active staff member or admin of the organisation. */
export interface MailboxCandidate {
  id: string;
  name: string | null;
  email: string;
}

/** How the card changes members: the admin console's API or the managing member's. */
export interface MailboxMemberActions {
  setMember(userId: string, rights: { send: boolean; manage: boolean }): Promise<unknown>;
  removeMember(userId: string): Promise<unknown>;
}

interface MailboxMembersCardProps {
  mailbox: { id: string; name: string; email: string; keyVersion?: number; members: MailboxMember[] };
  /** People who may be added (members are left out here). */
  people: MailboxCandidate[];
  actions: MailboxMemberActions;
  onChanged(text: string): void;
  /** Shown below the members (the admin console's rename and delete). */
  children?: ReactNode;
}

/**
 * One shared mailbox's members with their rights (changed at once), adding and removing
 * members (F25, issue 11): in the admin console and, for members with the `manage` right, in
 * Settings → Shared mailboxes. Removing a member replaces the mailbox key (the server rotates it).
 */
export function MailboxMembersCard({ mailbox, people, actions, onChanged, children }: MailboxMembersCardProps) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState<string | undefined>(undefined);
  const [send, setSend] = useState(false);
  const [manage, setManage] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const memberIds = new Set(mailbox.members.map((m) => m.userId));
  const candidates = people.filter((p) => !memberIds.has(p.id));
  const label = (m: { name: string | null; email: string }) => m.name ?? m.email;

  const run = async (action: () => Promise<unknown>, text: string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged(text);
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
      () => actions.setMember(adding, { send, manage }),
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
        actions.setMember(m.userId, {
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
      lead={
        mailbox.keyVersion === undefined
          ? mailbox.email
          : t("admin.mailboxes.lead", { email: mailbox.email, version: mailbox.keyVersion })
      }
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
      {children}
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
              if (m) void run(() => actions.removeMember(m.userId), t("admin.mailboxes.removed", { name: label(m) }));
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
