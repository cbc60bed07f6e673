import { useCallback, useEffect, useState } from "react";
import {
  ChoiceGroup,
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  Dropdown,
  PrimaryButton,
  Spinner,
  TextField,
  type IContextualMenuItem,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminApi, type AdminUser, type AdminUserQuery } from "../../api/admin.js";
import { useSession } from "../../session/SessionContext.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { adminClasses } from "./adminStyles.js";
import { PagingBar, useKeysetPages } from "./keysetPaging.js";

type Action = "deactivate" | "reactivate" | "changeRole" | "unlock" | "reset2fa" | "changeMobile" | "signOutEverywhere";

/** The actions that make sense for a member in their current state. */
function actionsFor(u: AdminUser): Action[] {
  const out: Action[] = [];
  if (u.status === "locked") out.push("unlock");
  out.push("changeRole", "changeMobile");
  if (u.twoFactor) out.push("reset2fa");
  if (u.status !== "deactivated") out.push("signOutEverywhere", "deactivate");
  else out.push("reactivate");
  return out;
}

const badgeClass: Record<AdminUser["status"], string> = {
  active: settingsClasses.badgeOk,
  invited: settingsClasses.badgeInfo,
  locked: settingsClasses.badgeWarn,
  deactivated: "",
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The organisation's people (issue 10, *Users*): search, filters, paging and per-person actions. */
export function UsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 300);
  const [role, setRole] = useState<AdminUserQuery["role"]>(undefined);
  const [status, setStatus] = useState<AdminUserQuery["status"]>(undefined);
  const paging = useKeysetPages(
    useCallback(
      (after: string | undefined, limit: number) => adminApi.users({ q, role, status, after, limit }),
      [q, role, status],
    ),
  );
  const { page, loadError } = paging;
  const [pending, setPending] = useState<{ user: AdminUser; action: Action } | null>(null);
  const [newRole, setNewRole] = useState<AdminUser["role"]>("staff");
  const [mobile, setMobile] = useState("");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const open = (user: AdminUser, action: Action) => {
    setPending({ user, action });
    setActionError(null);
    setDone(null);
    setNewRole(user.role === "admin" ? "staff" : "admin");
    setMobile(user.mobile ?? "");
  };

  const confirm = async () => {
    if (!pending) return;
    const { user, action } = pending;
    setBusy(true);
    setActionError(null);
    try {
      if (action === "changeRole") await adminApi.changeRole(user.id, newRole);
      else if (action === "changeMobile") await adminApi.changeMobile(user.id, mobile);
      else {
        const path = {
          deactivate: "deactivate",
          reactivate: "reactivate",
          unlock: "unlock",
          reset2fa: "reset-2fa",
          signOutEverywhere: "sign-out-everywhere",
        } as const;
        await adminApi.userAction(user.id, path[action]);
      }
      await paging.reload();
      setPending(null);
      setDone(t(`admin.users.done.${action}`, { name: user.name ?? user.email }));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  const menuItems = (u: AdminUser): IContextualMenuItem[] =>
    actionsFor(u).map((action) => ({
      key: action,
      text: t(`admin.users.actions.${action}`),
      "data-testid": `action-${action}`,
      onClick: () => open(u, action),
    }));

  const who = pending ? (pending.user.name ?? pending.user.email) : "";
  return (
    <SettingsCard id="users" title={t("admin.users.title")} lead={t("admin.users.lead")}>
      <div className={adminClasses.filters} role="search" aria-label={t("admin.users.filtersLabel")}>
        <TextField
          label={t("admin.users.search")}
          value={search}
          onChange={(_e, v) => setSearch(v ?? "")}
          placeholder={t("admin.users.searchPlaceholder")}
          data-testid="users-search"
          className={adminClasses.grow}
        />
        <Dropdown
          label={t("admin.users.role")}
          selectedKey={role ?? "all"}
          onChange={(_e, o) => setRole(o?.key === "all" ? undefined : (o?.key as AdminUserQuery["role"]))}
          options={[
            { key: "all", text: t("admin.users.all") },
            { key: "admin", text: t("admin.roles.admin") },
            { key: "staff", text: t("admin.roles.staff") },
          ]}
          data-testid="users-role"
          className={adminClasses.filter}
        />
        <Dropdown
          label={t("admin.users.status")}
          selectedKey={status ?? "all"}
          onChange={(_e, o) => setStatus(o?.key === "all" ? undefined : (o?.key as AdminUserQuery["status"]))}
          options={[
            { key: "all", text: t("admin.users.all") },
            ...(["active", "invited", "locked", "deactivated"] as const).map((s) => ({
              key: s,
              text: t(`admin.statuses.${s}`),
            })),
          ]}
          data-testid="users-status"
          className={adminClasses.filter}
        />
      </div>
      <SettingsSuccess text={done} testId="users-done" />
      <SettingsError error={loadError} />
      {!page && !loadError ? <Spinner label={t("common.loading")} /> : null}
      {page ? (
        <>
          <table className={settingsClasses.table} data-testid="users-table">
            <caption className="visually-hidden">{t("admin.users.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.users.person")}</th>
                <th scope="col">{t("admin.users.role")}</th>
                <th scope="col">{t("admin.users.status")}</th>
                <th scope="col">{t("admin.users.twoFactor")}</th>
                <th scope="col">{t("admin.users.mobile")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("admin.users.actionsLabel")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.users.map((u) => (
                <tr key={u.id} data-testid="user-row" data-email={u.email}>
                  <td className={adminClasses.person}>
                    <span className={adminClasses.name} id={`user-${u.id}`}>
                      {u.name ?? u.email}
                      {u.id === me?.id ? ` (${t("admin.users.you")})` : ""}
                    </span>
                    <span className={adminClasses.email}>{u.email}</span>
                  </td>
                  <td data-label={t("admin.users.role")}>{t(`admin.roles.${u.role}`)}</td>
                  <td data-label={t("admin.users.status")}>
                    <span className={`${settingsClasses.badge} ${badgeClass[u.status]}`} data-testid="user-status">
                      {t(`admin.statuses.${u.status}`)}
                    </span>
                  </td>
                  <td data-label={t("admin.users.twoFactor")}>
                    {u.twoFactor ? t("admin.users.on") : t("admin.users.off")}
                  </td>
                  <td data-label={t("admin.users.mobile")}>{u.mobile ?? "–"}</td>
                  <td>
                    <DefaultButton
                      text={t("admin.users.actionsButton")}
                      menuProps={{ items: menuItems(u) }}
                      aria-describedby={`user-${u.id}`}
                      data-testid="user-actions"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.users.length === 0 ? <p data-testid="users-none">{t("admin.users.none")}</p> : null}
          <PagingBar
            paging={paging}
            rows={page.users.length}
            rangeText={(from, to) => t("admin.users.range", { from, to })}
            testIdPrefix="users"
          />
        </>
      ) : null}
      <Dialog
        hidden={!pending}
        onDismiss={() => setPending(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: pending ? t(`admin.users.confirm.${pending.action}.title`, { name: who }) : "",
          subText: pending ? t(`admin.users.confirm.${pending.action}.text`, { name: who }) : "",
        }}
        modalProps={{ isBlocking: false }}
      >
        {pending?.action === "changeRole" ? (
          <ChoiceGroup
            label={t("admin.users.newRole")}
            selectedKey={newRole}
            onChange={(_e, o) => setNewRole(o?.key as AdminUser["role"])}
            options={[
              { key: "admin", text: t("admin.roles.admin") },
              { key: "staff", text: t("admin.roles.staff") },
            ]}
            data-testid="role-choice"
          />
        ) : null}
        {pending?.action === "changeMobile" ? (
          <TextField
            label={t("admin.users.newMobile")}
            value={mobile}
            onChange={(_e, v) => setMobile(v ?? "")}
            type="tel"
            autoComplete="off"
            description={t("admin.users.mobileHint")}
            data-testid="mobile-input"
          />
        ) : null}
        <SettingsError error={actionError} />
        <DialogFooter>
          <PrimaryButton onClick={() => void confirm()} disabled={busy} data-testid="confirm-action">
            {pending ? t(`admin.users.confirm.${pending.action}.button`) : ""}
          </PrimaryButton>
          <DefaultButton onClick={() => setPending(null)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </SettingsCard>
  );
}
