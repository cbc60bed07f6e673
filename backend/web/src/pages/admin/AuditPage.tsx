import { useCallback, useEffect, useState } from "react";
import { DefaultButton, Dropdown, MessageBar, MessageBarType, Spinner, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import i18next from "i18next";
import { adminAuditApi, type AdminAuditEvent, type AuditFilters } from "../../api/admin.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { SettingsError } from "../settings/SettingsError.js";
import { formatDateTime } from "../settings/format.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

/** An event type in words: the console's own names, then the account activity names, else the type itself. */
export function eventName(t: TFunction, type: string): string {
  const key = type.replace(/\./g, "_");
  if (i18next.exists(`admin.audit.events.${key}`)) return t(`admin.audit.events.${key}`);
  if (i18next.exists(`settings.audit.events.${key}`)) return t(`settings.audit.events.${key}`);
  return type;
}

/** A date field's value (YYYY-MM-DD, local) as the instant the day starts, `days` later. */
function dayStart(value: string, days = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00`);
  d.setDate(d.getDate() + days);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function ChainCard() {
  const { t } = useTranslation();
  const chain = useLoad(adminAuditApi.verify);
  const c = chain.data;
  return (
    <SettingsCard id="chain" title={t("admin.audit.chainTitle")} lead={t("admin.audit.chainLead")}>
      <SettingsError error={chain.error} />
      {!c && !chain.error ? <Spinner label={t("admin.audit.verifying")} /> : null}
      {c?.intact ? (
        <MessageBar messageBarType={MessageBarType.success} data-testid="chain-intact">
          {t("admin.audit.intact", { count: c.checked })}
        </MessageBar>
      ) : null}
      {c && !c.intact && c.brokenAt ? (
        <MessageBar messageBarType={MessageBarType.severeWarning} isMultiline data-testid="chain-broken">
          {c.brokenAt.inOrganisation && c.brokenAt.type && c.brokenAt.createdAt
            ? t("admin.audit.brokenOwn", {
                id: c.brokenAt.id,
                event: eventName(t, c.brokenAt.type),
                time: formatDateTime(c.brokenAt.createdAt),
              })
            : t("admin.audit.brokenOther", { id: c.brokenAt.id })}{" "}
          {t(`admin.audit.reasons.${c.reason ?? "hash_mismatch"}`)}
        </MessageBar>
      ) : null}
    </SettingsCard>
  );
}

/** The organisation's audit log (issue 10): filters, pages, CSV export and the chain's verification. */
export function AuditPage() {
  const { t } = useTranslation();
  const types = useLoad(adminAuditApi.types);
  const [email, setEmail] = useState("");
  const [type, setType] = useState<string | undefined>(undefined);
  const [fromDay, setFromDay] = useState("");
  const [toDay, setToDay] = useState("");
  const [debouncedEmail, setDebouncedEmail] = useState("");
  const [events, setEvents] = useState<AdminAuditEvent[] | undefined>(undefined);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const id = setTimeout(() => setDebouncedEmail(email.trim()), 400);
    return () => clearTimeout(id);
  }, [email]);
  const validEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(debouncedEmail);
  const filters: AuditFilters = {
    email: validEmail ? debouncedEmail : undefined,
    type,
    from: dayStart(fromDay),
    to: dayStart(toDay, 1),
  };
  const key = JSON.stringify(filters);

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await adminAuditApi.events(JSON.parse(key) as AuditFilters);
      setEvents(page.events);
      setNext(page.nextBefore);
    } catch (err) {
      setError(err);
    }
  }, [key]);
  useEffect(() => {
    void load();
  }, [load]);

  const more = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const page = await adminAuditApi.events(filters, next);
      setEvents((e) => [...(e ?? []), ...page.events]);
      setNext(page.nextBefore);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const who = (p: AdminAuditEvent["person"]) => (p ? (p.name ? `${p.name} (${p.email})` : p.email) : "–");
  return (
    <>
      <ChainCard />
      <SettingsCard id="audit" title={t("admin.audit.title")} lead={t("admin.audit.lead")}>
        <div className={adminClasses.filters} role="search" aria-label={t("admin.audit.filtersLabel")}>
          <TextField
            label={t("admin.audit.person")}
            placeholder={t("admin.audit.personPlaceholder")}
            type="email"
            value={email}
            onChange={(_e, v) => setEmail(v ?? "")}
            className={adminClasses.grow}
            data-testid="audit-person"
          />
          <Dropdown
            label={t("admin.audit.type")}
            selectedKey={type ?? "all"}
            onChange={(_e, o) => setType(o?.key === "all" ? undefined : String(o?.key))}
            options={[
              { key: "all", text: t("admin.audit.allTypes") },
              ...(types.data?.types ?? []).map((ty) => ({ key: ty, text: eventName(t, ty) })),
            ]}
            className={adminClasses.filter}
            data-testid="audit-type"
          />
          <TextField
            label={t("admin.audit.from")}
            type="date"
            value={fromDay}
            onChange={(_e, v) => setFromDay(v ?? "")}
            className={adminClasses.filter}
            data-testid="audit-from"
          />
          <TextField
            label={t("admin.audit.to")}
            type="date"
            value={toDay}
            onChange={(_e, v) => setToDay(v ?? "")}
            className={adminClasses.filter}
            data-testid="audit-to"
          />
        </div>
        <div className={adminClasses.paging} style={{ margin: "0 0 12px" }}>
          <DefaultButton href={adminAuditApi.exportUrl(filters)} download data-testid="audit-export">
            {t("admin.audit.export")}
          </DefaultButton>
        </div>
        <SettingsError error={error} />
        {!events && !error ? <Spinner label={t("common.loading")} /> : null}
        {events ? (
          <table className={settingsClasses.table} data-testid="audit-table">
            <caption className="visually-hidden">{t("admin.audit.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.audit.time")}</th>
                <th scope="col">{t("admin.audit.event")}</th>
                <th scope="col">{t("admin.audit.about")}</th>
                <th scope="col">{t("admin.audit.by")}</th>
                <th scope="col">{t("admin.audit.ip")}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-type={e.type}>
                  <td data-label={t("admin.audit.time")}>{formatDateTime(e.createdAt)}</td>
                  <td data-label={t("admin.audit.event")}>{eventName(t, e.type)}</td>
                  <td data-label={t("admin.audit.about")} className={adminClasses.person}>
                    {who(e.person)}
                  </td>
                  <td data-label={t("admin.audit.by")} className={adminClasses.person}>
                    {who(e.actor)}
                  </td>
                  <td data-label={t("admin.audit.ip")}>{e.ip ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {events && events.length === 0 ? <p data-testid="audit-none">{t("admin.audit.none")}</p> : null}
        {next ? (
          <div className={adminClasses.paging}>
            <DefaultButton onClick={() => void more()} disabled={busy} data-testid="audit-more">
              {t("admin.audit.more")}
            </DefaultButton>
          </div>
        ) : null}
      </SettingsCard>
    </>
  );
}
