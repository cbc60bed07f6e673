import { useState } from "react";
import { Spinner, Toggle } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { sharedApi, type SharedMailbox } from "../../api/messages.js";
import { MailboxMembersCard } from "../../components/MailboxMembersCard.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { useLoad } from "./useLoad.js";

/** One mailbox the user manages: its members and who can be added, loaded on its own. */
function ManagedMailbox({ mailbox, onChanged }: { mailbox: SharedMailbox; onChanged(text: string): void }) {
  const { t } = useTranslation();
  const members = useLoad(() => sharedApi.members(mailbox.id));
  if (members.error) return <SettingsError error={members.error} />;
  if (!members.data) return <Spinner label={t("common.loading")} />;
  return (
    <MailboxMembersCard
      mailbox={{ id: mailbox.id, name: mailbox.name, email: mailbox.email, members: members.data.members }}
      people={members.data.candidates}
      actions={{
        setMember: (userId, rights) => sharedApi.setMember(mailbox.id, userId, rights),
        removeMember: (userId) => sharedApi.removeMember(mailbox.id, userId),
      }}
      onChanged={(text) => {
        onChanged(text);
        void members.reload();
      }}
    />
  );
}

/**
 * Settings → Shared mailboxes (issue 11): the mailboxes the user is a member of with their rights,
 * and, for those where they have the `manage` right, adding, changing and removing members —
 * as in the admin console, with the same key handling (the key is passed on from the manager's
 * own copy; removing a member replaces it).
 */
export function MailboxesPage() {
  const { t } = useTranslation();
  const mine = useLoad(sharedApi.mine);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const managed = (mine.data ?? []).filter((m) => m.rights.manage);
  const rights = (m: SharedMailbox) =>
    (["read", "send", "manage"] as const)
      .filter((r) => m.rights[r])
      .map((r) => t(`admin.mailboxes.rights.${r}`))
      .join(", ");

  return (
    <>
      <SettingsCard id="my-mailboxes" title={t("settings.mailboxes.title")} lead={t("settings.mailboxes.lead")}>
        <SettingsError error={mine.error ?? error} />
        {!mine.data && !mine.error ? <Spinner label={t("common.loading")} /> : null}
        {mine.data?.length === 0 ? <p data-testid="my-mailboxes-none">{t("settings.mailboxes.none")}</p> : null}
        {mine.data && mine.data.length > 0 ? (
          <ul data-testid="my-mailboxes">
            {mine.data.map((m) => (
              <li key={m.id}>
                {t("settings.mailboxes.item", { name: m.name, email: m.email, rights: rights(m) })}
                <Toggle
                  label={t("settings.mailboxes.notify", { name: m.name })}
                  inlineLabel
                  checked={m.notify}
                  onChange={(_e, v) => {
                    setError(null);
                    void sharedApi
                      .setNotify(m.id, !!v)
                      .then(() => mine.reload())
                      .catch(setError);
                  }}
                />
              </li>
            ))}
          </ul>
        ) : null}
        {mine.data && mine.data.length > 0 && managed.length === 0 ? (
          <p>{t("settings.mailboxes.noneManaged")}</p>
        ) : null}
      </SettingsCard>
      <SettingsSuccess text={done} testId="mailbox-members-done" />
      {managed.map((m) => (
        <ManagedMailbox key={m.id} mailbox={m} onChanged={setDone} />
      ))}
    </>
  );
}
