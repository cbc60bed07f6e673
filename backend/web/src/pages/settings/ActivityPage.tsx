import { useState } from "react";
import { DefaultButton, Dialog, DialogFooter, DialogType, PrimaryButton, Spinner } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { accountApi, type AuditEventInfo, type SessionInfo } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { useSession } from "../../session/SessionContext.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError } from "./SettingsError.js";
import { describeDevice, formatDateTime } from "./format.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";

/** "Chrome, Windows", or "Unknown device". */
export function deviceText(t: TFunction, userAgent: string | null): string {
  const { browser, os } = describeDevice(userAgent);
  if (browser && os) return t("settings.device.browserOn", { browser, os });
  return browser ?? os ?? t("settings.device.unknown");
}

function SessionsSection() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const sessions = useLoad(accountApi.sessions);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirmAll, setConfirmAll] = useState(false);

  const handleRevoke = async (s: SessionInfo) => {
    setBusy(true);
    setError(null);
    try {
      await accountApi.revokeSession(s.id);
      if (s.current) {
        await signOut();
        return;
      }
      await sessions.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleRevokeAll = async () => {
    setBusy(true);
    setError(null);
    try {
      await accountApi.revokeAllSessions();
      setConfirmAll(false);
      await signOut();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const list = sessions.data?.sessions.filter((s) => s.stage === "full") ?? [];
  return (
    <SettingsCard id="sessions" title={t("settings.sessions.title")} lead={t("settings.sessions.lead")}>
      <SettingsError error={sessions.error ?? error} />
      {!sessions.data && !sessions.error ? <Spinner label={t("common.loading")} /> : null}
      {sessions.data ? (
        <ul className={settingsClasses.list} aria-label={t("settings.sessions.listLabel")}>
          {list.map((s) => (
            <li key={s.id} className={settingsClasses.listItem} data-testid="session" data-current={s.current}>
              <div className={settingsClasses.itemMain}>
                <div className={settingsClasses.itemTitle}>
                  <span id={`session-${s.id}`}>{deviceText(t, s.userAgent)}</span>
                  {s.current ? (
                    <span className={`${settingsClasses.badge} ${settingsClasses.badgeInfo}`}>
                      {t("settings.sessions.current")}
                    </span>
                  ) : null}
                </div>
                <div className={settingsClasses.itemMeta}>
                  {t("settings.sessions.meta", {
                    ip: s.ip ?? t("settings.sessions.unknownIp"),
                    signedIn: formatDateTime(s.createdAt),
                    lastSeen: formatDateTime(s.lastSeenAt),
                  })}
                </div>
              </div>
              <div className={settingsClasses.itemActions}>
                <DefaultButton
                  onClick={() => void handleRevoke(s)}
                  disabled={busy}
                  data-testid="session-revoke"
                  aria-describedby={`session-${s.id}`}
                >
                  {s.current ? t("settings.sessions.signOutHere") : t("settings.sessions.signOut")}
                </DefaultButton>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <div className={formClasses.actions}>
        <PrimaryButton onClick={() => setConfirmAll(true)} disabled={busy} data-testid="sessions-revoke-all">
          {t("settings.sessions.signOutEverywhere")}
        </PrimaryButton>
      </div>
      <Dialog
        hidden={!confirmAll}
        onDismiss={() => setConfirmAll(false)}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("settings.sessions.confirmTitle"),
          subText: t("settings.sessions.confirmText"),
        }}
        modalProps={{ isBlocking: false }}
      >
        <DialogFooter>
          <PrimaryButton
            onClick={() => void handleRevokeAll()}
            disabled={busy}
            data-testid="sessions-revoke-all-confirm"
          >
            {t("settings.sessions.signOutEverywhere")}
          </PrimaryButton>
          <DefaultButton onClick={() => setConfirmAll(false)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </SettingsCard>
  );
}

/** The event's name in the interface language; unknown kinds get a general name. */
export function eventText(t: TFunction, type: string): string {
  return t(`settings.audit.events.${type.replace(/\./g, "_")}`, { defaultValue: t("settings.audit.otherEvent") });
}

function AuditSection() {
  const { t } = useTranslation();
  const [events, setEvents] = useState<AuditEventInfo[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useLoad(async () => {
    const page = await accountApi.audit();
    setEvents(page.events);
    setNext(page.nextBefore);
    return true;
  });

  const handleMore = async () => {
    if (!next) return;
    setBusy(true);
    try {
      const page = await accountApi.audit(next);
      setEvents((e) => [...e, ...page.events]);
      setNext(page.nextBefore);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard id="audit" title={t("settings.audit.title")} lead={t("settings.audit.lead")}>
      <SettingsError error={first.error} />
      {!first.data && !first.error ? <Spinner label={t("common.loading")} /> : null}
      {first.data ? (
        <table className={settingsClasses.table} data-testid="audit-table">
          <caption className="visually-hidden">{t("settings.audit.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("settings.audit.time")}</th>
              <th scope="col">{t("settings.audit.event")}</th>
              <th scope="col">{t("settings.audit.ip")}</th>
              <th scope="col">{t("settings.audit.device")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-testid="audit-event" data-type={e.type}>
                <td data-label={t("settings.audit.time")}>{formatDateTime(e.createdAt)}</td>
                <td data-label={t("settings.audit.event")}>{eventText(t, e.type)}</td>
                <td data-label={t("settings.audit.ip")}>{e.ip ?? "–"}</td>
                <td data-label={t("settings.audit.device")}>{e.userAgent ? deviceText(t, e.userAgent) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {first.data && events.length === 0 ? <p>{t("settings.audit.none")}</p> : null}
      {next ? (
        <div className={formClasses.actions} style={{ marginTop: 12 }}>
          <DefaultButton onClick={() => void handleMore()} disabled={busy} data-testid="audit-more">
            {t("settings.audit.more")}
          </DefaultButton>
        </div>
      ) : null}
    </SettingsCard>
  );
}

/** Where and when the account is used (F22): active sessions and my audit log. */
export function ActivityPage() {
  return (
    <>
      <SessionsSection />
      <AuditSection />
    </>
  );
}
