import { useTranslation } from "react-i18next";
import { adminPolicyApi } from "../../api/admin.js";
import { currentLanguage } from "../../i18n.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

/** 1 234 567 (sv) or 1,234,567 (en). */
function count(n: number): string {
  return new Intl.NumberFormat(currentLanguage() === "en" ? "en-GB" : "sv-SE").format(n);
}

/** Bytes in the largest unit that keeps a number of at least 1 (1 024 based). */
function size(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  const digits = v < 10 && i > 0 ? 1 : 0;
  return `${new Intl.NumberFormat(currentLanguage() === "en" ? "en-GB" : "sv-SE", { maximumFractionDigits: digits }).format(v)} ${units[i]}`;
}

/** Usage and plan (issue 10, F27): what the organisation uses this month and the limits that apply. */
export function UsagePage() {
  const { t } = useTranslation();
  const usage = useLoad(adminPolicyApi.usage);
  const u = usage.data;
  if (!u) return <LoadingOrError error={usage.error} />;
  const month = new Intl.DateTimeFormat(currentLanguage() === "en" ? "en-GB" : "sv-SE", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(u.monthStart));
  const quota = u.monthlyQuotaPerSender;
  const share = quota ? Math.min(1, u.topSenderThisMonth / quota) : 0;
  return (
    <>
      <SettingsCard id="plan" title={t("admin.usage.planTitle")}>
        <p className={settingsClasses.status}>
          <span className={`${settingsClasses.badge} ${settingsClasses.badgeInfo}`} data-testid="usage-plan">
            {t(`admin.usage.plans.${u.organisation.plan}`)}
          </span>
        </p>
        <p className={settingsClasses.cardLead}>{t(`admin.usage.planText.${u.organisation.plan}`)}</p>
      </SettingsCard>
      <SettingsCard id="usage" title={t("admin.usage.title", { month })}>
        <dl className={adminClasses.numbers} data-testid="usage-numbers">
          <div>
            <dt className={settingsClasses.factName}>{t("admin.usage.messages")}</dt>
            <dd className={adminClasses.number} data-testid="usage-messages">
              {count(u.messagesThisMonth)}
            </dd>
          </div>
          <div>
            <dt className={settingsClasses.factName}>{t("admin.usage.storage")}</dt>
            <dd className={adminClasses.number} data-testid="usage-storage">
              {size(u.storageBytes)}
            </dd>
          </div>
          <div>
            <dt className={settingsClasses.factName}>{t("admin.usage.users")}</dt>
            <dd className={adminClasses.number} data-testid="usage-users">
              {count(u.users.active)}
            </dd>
            <dd className={settingsClasses.itemMeta} style={{ margin: 0 }}>
              {t("admin.usage.usersDetail", {
                admins: count(u.users.admins),
                invited: count(u.users.invited),
                deactivated: count(u.users.deactivated),
              })}
            </dd>
          </div>
        </dl>
        {quota ? (
          <div style={{ marginTop: 20 }}>
            <p className={settingsClasses.itemMeta} id="quota-text">
              {t("admin.usage.quota", { top: count(u.topSenderThisMonth), quota: count(quota) })}
            </p>
            <div
              className={adminClasses.meter}
              role="meter"
              aria-labelledby="quota-text"
              aria-valuemin={0}
              aria-valuemax={quota}
              aria-valuenow={u.topSenderThisMonth}
            >
              <div className={adminClasses.meterFill} style={{ width: `${Math.round(share * 100)}%` }} />
            </div>
          </div>
        ) : null}
      </SettingsCard>
      <SettingsCard id="limits" title={t("admin.usage.limitsTitle")} lead={t("admin.usage.limitsLead")}>
        <ul className={settingsClasses.list} data-testid="usage-limits">
          <li className={settingsClasses.listItem}>
            <div className={settingsClasses.itemMain}>
              <div className={settingsClasses.itemTitle}>
                {quota ? t("admin.usage.limitQuota", { quota: count(quota) }) : t("admin.usage.limitNoQuota")}
              </div>
              {quota ? (
                <div className={settingsClasses.itemMeta}>
                  {t("admin.usage.userSees")} “{t("errors.plan_quota_exceeded")}”
                </div>
              ) : null}
            </div>
          </li>
          <li className={settingsClasses.listItem}>
            <div className={settingsClasses.itemMain}>
              <div className={settingsClasses.itemTitle}>
                {t("admin.usage.limitAttachment", { size: size(u.attachmentLimitBytes) })}
              </div>
              <div className={settingsClasses.itemMeta}>
                {t("admin.usage.userSees")} “{t("errors.attachment_too_large")}”
              </div>
            </div>
          </li>
          <li className={settingsClasses.listItem}>
            <div className={settingsClasses.itemMain}>
              <div className={settingsClasses.itemTitle}>{t("admin.usage.limitBasic")}</div>
              <div className={settingsClasses.itemMeta}>
                {t("admin.usage.userSees")} “{t("errors.plan_reply_only")}”
              </div>
            </div>
          </li>
        </ul>
      </SettingsCard>
    </>
  );
}
