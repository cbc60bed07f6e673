import { useState, type FormEvent } from "react";
import { DefaultButton, Dialog, DialogFooter, DialogType, PrimaryButton, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { directoryApi, type DirectoryPreview } from "../../api/admin.js";
import { useAction } from "../../components/useAction.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError, SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What applying the preview would do: the ids sent to /apply. */
function selection(p: DirectoryPreview) {
  return {
    invite: p.new.filter((n) => !n.problem).map((n) => n.objectId),
    update: p.changed.map((c) => c.objectId),
    deactivate: p.gone.filter((g) => !g.blocked).map((g) => g.userId),
  };
}

/**
 * Microsoft 365 directory (issue 10): whether the organisation's Entra tenant is connected, a
 * preview of what an Entra group would change (new people, changed names and mobile numbers,
 * people who left the group) and applying it after a confirmation: invitations, updates and
 * deactivations.
 */
export function DirectoryPage() {
  const { t, i18n } = useTranslation();
  const status = useLoad(directoryApi.status);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [preview, setPreview] = useState<DirectoryPreview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const s = status.data;
  const group = groupId ?? s?.groupId ?? "";
  const groupValid = guid.test(group.trim());
  const date = (iso: string) =>
    new Date(iso).toLocaleString(i18n.language === "sv" ? "sv-SE" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
    });

  if (!s) return <LoadingOrError error={status.error} />;

  const handlePreview = (e: FormEvent) => {
    e.preventDefault();
    if (!groupValid) return;
    void run(async () => {
      setDone(null);
      setPreview(null);
      setPreview(await directoryApi.preview(group.trim()));
    });
  };

  const handleApply = () => {
    const p = preview;
    setConfirming(false);
    if (!p) return;
    void run(async () => {
      const r = await directoryApi.apply({ groupId: p.groupId, ...selection(p) });
      await status.reload();
      setPreview(null);
      setDone(
        t("admin.directory.applied", { invited: r.invited, updated: r.updated, deactivated: r.deactivated }) +
          (r.skipped.length > 0 ? ` ${t("admin.directory.skipped", { count: r.skipped.length })}` : ""),
      );
    });
  };

  const chosen = preview ? selection(preview) : null;
  const nothingToDo = chosen ? chosen.invite.length + chosen.update.length + chosen.deactivate.length === 0 : true;
  const person = (name: string | null, email: string | null, id: string) => (
    <td className={adminClasses.person}>
      <span className={adminClasses.name} id={`dir-${id}`}>
        {name ?? email ?? t("admin.directory.noName")}
      </span>
      {email && name ? <span className={adminClasses.email}>{email}</span> : null}
    </td>
  );

  return (
    <>
      <SettingsCard
        id="connection"
        title={t("admin.directory.connectionTitle")}
        lead={t("admin.directory.connectionLead")}
      >
        <p className={settingsClasses.status}>
          <span
            className={`${settingsClasses.badge} ${s.configured ? settingsClasses.badgeOk : settingsClasses.badgeWarn}`}
            data-testid="directory-status"
          >
            {s.configured ? t("admin.directory.connected") : t("admin.directory.notConnected")}
          </span>
        </p>
        {s.configured ? (
          <dl className={adminClasses.numbers}>
            <div>
              <dt className={settingsClasses.factName}>{t("admin.directory.tenant")}</dt>
              <dd className={adminClasses.code} data-testid="directory-tenant">
                {s.tenantId}
              </dd>
            </div>
            <div>
              <dt className={settingsClasses.factName}>{t("admin.directory.lastImport")}</dt>
              <dd className={adminClasses.fact} data-testid="directory-last-import">
                {s.lastImportAt ? date(s.lastImportAt) : t("admin.directory.never")}
              </dd>
            </div>
          </dl>
        ) : (
          <p className={settingsClasses.cardLead} data-testid="directory-not-configured">
            {t("admin.directory.notConnectedText")}
          </p>
        )}
      </SettingsCard>
      {s.configured ? (
        <SettingsCard id="import" title={t("admin.directory.importTitle")} lead={t("admin.directory.importLead")}>
          <form onSubmit={handlePreview} noValidate className={adminClasses.filters}>
            <TextField
              label={t("admin.directory.groupId")}
              description={t("admin.directory.groupIdHelp")}
              value={group}
              onChange={(_e, v) => setGroupId(v ?? "")}
              errorMessage={group.trim() && !groupValid ? t("admin.directory.groupIdInvalid") : undefined}
              autoComplete="off"
              spellCheck={false}
              className={adminClasses.grow}
              data-testid="directory-group"
            />
            <PrimaryButton type="submit" disabled={busy || !groupValid} data-testid="directory-preview">
              {t("admin.directory.preview")}
            </PrimaryButton>
          </form>
          {busy ? <Spinner label={t("admin.directory.reading")} /> : null}
          <SettingsSuccess text={done} testId="directory-done" />
          <SettingsError error={error} />
        </SettingsCard>
      ) : null}
      {preview ? (
        <SettingsCard id="preview" title={t("admin.directory.previewTitle")} lead={t("admin.directory.previewLead")}>
          <p className={settingsClasses.itemMeta} data-testid="directory-summary">
            {t("admin.directory.summary", {
              new: preview.new.length,
              changed: preview.changed.length,
              gone: preview.gone.length,
              unchanged: preview.unchanged,
            })}
          </p>

          <h3 className={adminClasses.sectionTitle}>{t("admin.directory.newTitle", { count: preview.new.length })}</h3>
          {preview.new.length > 0 ? (
            <table className={settingsClasses.table} data-testid="directory-new">
              <caption className="visually-hidden">{t("admin.directory.newCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.users.person")}</th>
                  <th scope="col">{t("admin.directory.mobile")}</th>
                  <th scope="col">{t("admin.directory.outcome")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.new.map((n) => (
                  <tr key={n.objectId} data-testid="directory-new-row" data-email={n.email ?? ""}>
                    {person(n.name, n.email, n.objectId)}
                    <td data-label={t("admin.directory.mobile")}>{n.mobile ?? "–"}</td>
                    <td data-label={t("admin.directory.outcome")}>
                      {n.problem ? (
                        <span className={adminClasses.invalid}>{t(`admin.directory.problems.${n.problem}`)}</span>
                      ) : (
                        t("admin.directory.willInvite")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className={settingsClasses.itemMeta}>{t("admin.directory.noneNew")}</p>
          )}

          <h3 className={adminClasses.sectionTitle}>
            {t("admin.directory.changedTitle", { count: preview.changed.length })}
          </h3>
          {preview.changed.length > 0 ? (
            <table className={settingsClasses.table} data-testid="directory-changed">
              <caption className="visually-hidden">{t("admin.directory.changedCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.users.person")}</th>
                  <th scope="col">{t("admin.directory.change")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.changed.map((c) => (
                  <tr key={c.objectId} data-testid="directory-changed-row" data-email={c.email}>
                    {person(c.name, c.email, c.objectId)}
                    <td data-label={t("admin.directory.change")}>
                      {c.changes.map((ch) => (
                        <span key={ch.field} className={adminClasses.change}>
                          {t(`admin.directory.fields.${ch.field}`, { from: ch.from ?? "–", to: ch.to })}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className={settingsClasses.itemMeta}>{t("admin.directory.noneChanged")}</p>
          )}

          <h3 className={adminClasses.sectionTitle}>
            {t("admin.directory.goneTitle", { count: preview.gone.length })}
          </h3>
          {preview.gone.length > 0 ? (
            <table className={settingsClasses.table} data-testid="directory-gone">
              <caption className="visually-hidden">{t("admin.directory.goneCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.users.person")}</th>
                  <th scope="col">{t("admin.directory.outcome")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.gone.map((g) => (
                  <tr key={g.userId} data-testid="directory-gone-row" data-email={g.email}>
                    {person(g.name, g.email, g.userId)}
                    <td data-label={t("admin.directory.outcome")}>
                      {g.blocked ? (
                        <span className={adminClasses.invalid}>{t("admin.directory.blockedSelf")}</span>
                      ) : g.invited ? (
                        t("admin.directory.willRevoke")
                      ) : (
                        t("admin.directory.willDeactivate")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className={settingsClasses.itemMeta}>{t("admin.directory.noneGone")}</p>
          )}

          <div className={adminClasses.saveBar} style={{ marginTop: 20 }}>
            <PrimaryButton
              onClick={() => setConfirming(true)}
              disabled={busy || nothingToDo}
              data-testid="directory-apply"
            >
              {t("admin.directory.apply")}
            </PrimaryButton>
            {nothingToDo ? <p className={settingsClasses.itemMeta}>{t("admin.directory.nothingToDo")}</p> : null}
          </div>
          <Dialog
            hidden={!confirming}
            onDismiss={() => setConfirming(false)}
            dialogContentProps={{
              type: DialogType.normal,
              title: t("admin.directory.confirmTitle"),
              subText: chosen
                ? t("admin.directory.confirmText", {
                    invite: chosen.invite.length,
                    update: chosen.update.length,
                    deactivate: chosen.deactivate.length,
                  })
                : "",
            }}
            modalProps={{ isBlocking: false }}
          >
            <DialogFooter>
              <PrimaryButton onClick={handleApply} disabled={busy} data-testid="directory-confirm">
                {t("admin.directory.apply")}
              </PrimaryButton>
              <DefaultButton onClick={() => setConfirming(false)}>{t("settings.cancel")}</DefaultButton>
            </DialogFooter>
          </Dialog>
        </SettingsCard>
      ) : null}
    </>
  );
}
