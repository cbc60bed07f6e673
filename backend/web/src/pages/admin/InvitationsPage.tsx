import { useCallback, useState, type ChangeEvent, type FormEvent } from "react";
import { ChoiceGroup, DefaultButton, Dropdown, PrimaryButton, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import { invitationApi, type AdminInvitation, type ImportProblem } from "../../api/admin.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { adminClasses } from "./adminStyles.js";
import { PagingBar, useKeysetPages } from "./keysetPaging.js";

const badgeClass: Record<AdminInvitation["status"], string> = {
  pending: settingsClasses.badgeInfo,
  accepted: settingsClasses.badgeOk,
  declined: settingsClasses.badgeWarn,
  expired: settingsClasses.badgeWarn,
  revoked: "",
};

const statuses = ["pending", "accepted", "declined", "expired", "revoked"] as const;

/**
 * Invitations (F23, issue 10): the organisation's invitations with their status, a form to
 * invite one person, a CSV import with a report of every bad row (nothing is imported then),
 * and resend and revoke for open invitations. The list pages like *Users* (50 to a page,
 * Previous and Next, keyset cursors) and filters by status.
 */
export function InvitationsPage() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<AdminInvitation["status"] | undefined>(undefined);
  const paging = useKeysetPages(
    useCallback((after: string | undefined, limit: number) => invitationApi.list({ status, after, limit }), [status]),
  );
  const { page, loadError } = paging;
  const [email, setEmail] = useState("");
  const [mobile, setMobile] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<AdminInvitation["role"]>("staff");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    setProblems(null);
    try {
      setDone(await fn());
      await paging.reload();
    } catch (err) {
      if (err instanceof ApiError && err.id === "invitation_import_invalid")
        setProblems((err.details.problems as ImportProblem[] | undefined) ?? []);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleInvite = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await invitationApi.invite({
        email: email.trim(),
        mobile: mobile.trim(),
        name: name.trim() || undefined,
        role,
      });
      setEmail("");
      setMobile("");
      setName("");
      paging.first();
      return t("admin.invitations.sent", { email: r.invitation.email });
    });
  };

  const handleFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    void run(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = await invitationApi.importCsv(bytes);
      paging.first();
      return t("admin.invitations.imported", { count: r.invitations.length });
    });
  };

  const act = (inv: AdminInvitation, action: "resend" | "revoke") =>
    void run(async () => {
      await invitationApi.act(inv.id, action);
      return t(`admin.invitations.done.${action}`, { email: inv.email });
    });

  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language === "sv" ? "sv-SE" : "en-GB");

  return (
    <>
      <SettingsCard id="invite" title={t("admin.invitations.inviteTitle")} lead={t("admin.invitations.inviteLead")}>
        <form onSubmit={handleInvite} noValidate className={adminClasses.filters}>
          <TextField
            label={t("admin.invitations.email")}
            type="email"
            value={email}
            onChange={(_e, v) => setEmail(v ?? "")}
            required
            autoComplete="off"
            className={adminClasses.grow}
            data-testid="invite-email"
          />
          <TextField
            label={t("admin.invitations.mobile")}
            type="tel"
            value={mobile}
            onChange={(_e, v) => setMobile(v ?? "")}
            placeholder="+46 70 123 45 67"
            required
            autoComplete="off"
            className={adminClasses.grow}
            data-testid="invite-mobile"
          />
          <TextField
            label={t("admin.invitations.name")}
            value={name}
            onChange={(_e, v) => setName(v ?? "")}
            autoComplete="off"
            className={adminClasses.grow}
            data-testid="invite-name"
          />
          <ChoiceGroup
            label={t("admin.users.role")}
            selectedKey={role}
            onChange={(_e, o) => setRole((o?.key as AdminInvitation["role"]) ?? "staff")}
            options={[
              { key: "staff", text: t("admin.roles.staff") },
              { key: "admin", text: t("admin.roles.admin") },
            ]}
            data-testid="invite-role"
          />
          <PrimaryButton type="submit" disabled={busy || !email.trim() || !mobile.trim()} data-testid="invite-send">
            {t("admin.invitations.send")}
          </PrimaryButton>
        </form>
        <h3 className={settingsClasses.cardLead}>{t("admin.invitations.importTitle")}</h3>
        <p className={settingsClasses.cardLead}>{t("admin.invitations.importLead")}</p>
        <label className={adminClasses.fileLabel}>
          {t("admin.invitations.chooseFile")}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={handleFile}
            disabled={busy}
            data-testid="invite-csv"
            className={adminClasses.fileInput}
          />
        </label>
        <SettingsSuccess text={done} testId="invitations-done" />
        <SettingsError error={error} />
        {problems && problems.length > 0 ? (
          <div role="alert" data-testid="import-problems">
            <p className={adminClasses.invalid}>{t("admin.invitations.problemsTitle")}</p>
            <ul>
              {problems.map((p, i) => (
                <li key={i} data-testid="import-problem">
                  {t("admin.invitations.problemLine", {
                    line: p.line,
                    reason: t(`admin.invitations.reasons.${p.reason}`),
                  })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </SettingsCard>
      <SettingsCard id="invitations" title={t("admin.invitations.title")} lead={t("admin.invitations.lead")}>
        <div className={adminClasses.filters} role="search" aria-label={t("admin.invitations.filterLabel")}>
          <Dropdown
            label={t("admin.invitations.statusFilter")}
            selectedKey={status ?? "all"}
            onChange={(_e, o) => setStatus(o?.key === "all" ? undefined : (o?.key as AdminInvitation["status"]))}
            options={[
              { key: "all", text: t("admin.users.all") },
              ...statuses.map((s) => ({ key: s, text: t(`admin.invitations.statuses.${s}`) })),
            ]}
            data-testid="invitations-status"
            className={adminClasses.filter}
          />
        </div>
        <SettingsError error={loadError} />
        {!page && !loadError ? <Spinner label={t("common.loading")} /> : null}
        {page ? (
          <div data-testid="invitations-list">
            {page.invitations.length > 0 ? (
              <table className={settingsClasses.table} data-testid="invitations-table">
                <caption className="visually-hidden">{t("admin.invitations.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.users.person")}</th>
                    <th scope="col">{t("admin.users.role")}</th>
                    <th scope="col">{t("admin.users.status")}</th>
                    <th scope="col">{t("admin.invitations.sentAt")}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t("admin.users.actionsLabel")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.invitations.map((inv) => {
                    const open = inv.status === "pending" || inv.status === "expired";
                    return (
                      <tr key={inv.id} data-testid="invitation-row" data-email={inv.email}>
                        <td className={adminClasses.person}>
                          <span className={adminClasses.name} id={`invitation-${inv.id}`}>
                            {inv.name ?? inv.email}
                          </span>
                          <span className={adminClasses.email}>
                            {inv.email} · {inv.mobile}
                          </span>
                        </td>
                        <td data-label={t("admin.users.role")}>{t(`admin.roles.${inv.role}`)}</td>
                        <td data-label={t("admin.users.status")}>
                          <span
                            className={`${settingsClasses.badge} ${badgeClass[inv.status]}`}
                            data-testid="invitation-status"
                          >
                            {t(`admin.invitations.statuses.${inv.status}`)}
                          </span>
                        </td>
                        <td data-label={t("admin.invitations.sentAt")}>{date(inv.createdAt)}</td>
                        <td>
                          {open ? (
                            <div className={adminClasses.rowActions}>
                              <DefaultButton
                                onClick={() => act(inv, "resend")}
                                disabled={busy}
                                aria-describedby={`invitation-${inv.id}`}
                                data-testid="invitation-resend"
                              >
                                {t("admin.invitations.resend")}
                              </DefaultButton>
                              <DefaultButton
                                onClick={() => act(inv, "revoke")}
                                disabled={busy}
                                aria-describedby={`invitation-${inv.id}`}
                                data-testid="invitation-revoke"
                              >
                                {t("admin.invitations.revoke")}
                              </DefaultButton>
                            </div>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : (
              <p data-testid="invitations-none">
                {status ? t("admin.invitations.noneWithStatus") : t("admin.invitations.none")}
              </p>
            )}
            <PagingBar
              paging={paging}
              rows={page.invitations.length}
              rangeText={(from, to) => t("admin.invitations.range", { from, to, total: page.total })}
              testIdPrefix="invitations"
            />
          </div>
        ) : null}
      </SettingsCard>
    </>
  );
}
