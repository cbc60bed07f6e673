import { useMemo, useState, type ChangeEvent } from "react";
import {
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  MessageBar,
  MessageBarType,
  Pivot,
  PivotItem,
  PrimaryButton,
  Spinner,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.js";
import {
  notificationTextFields,
  notificationTextsApi,
  type AdminNotificationTexts,
  type NotificationLocale,
  type NotificationPreview,
  type NotificationTextField,
  type NotificationTexts,
} from "../../api/admin.js";
import { formClasses } from "../../components/formStyles.js";
import { useAction } from "../../components/useAction.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError, SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useInitialLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";
import { useServerPreview } from "./useServerPreview.js";

const locales: NotificationLocale[] = ["sv", "en"];
type Drafts = Record<NotificationLocale, Record<NotificationTextField, string>>;

/** What the fields show: the organisation's own text, else the default (edited from there). */
function draftsOf(loaded: AdminNotificationTexts): Drafts {
  const of = (l: NotificationLocale) =>
    Object.fromEntries(notificationTextFields.map((f) => [f, loaded.texts[l][f] ?? loaded.defaults[l][f]])) as Record<
      NotificationTextField,
      string
    >;
  return { sv: of("sv"), en: of("en") };
}

/** A text equal to the default is saved as "default" (null), so later default changes reach it. */
function toTexts(draft: Record<NotificationTextField, string>, defaults: Record<NotificationTextField, string>) {
  return Object.fromEntries(
    notificationTextFields.map((f) => [f, draft[f].trim() === defaults[f].trim() ? null : draft[f]]),
  ) as NotificationTexts;
}

/** The field an error answer names (422 placeholder errors carry it). */
function errorField(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const d = error.details as { field?: unknown; details?: { field?: unknown } };
  const field = d.field ?? d.details?.field;
  return typeof field === "string" ? field : null;
}

function NotificationForm({ initial }: { initial: AdminNotificationTexts }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState(initial);
  const [locale, setLocale] = useState<NotificationLocale>("sv");
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(initial));
  const { busy, error, setError, run: runAction } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const draft = drafts[locale];
  const texts = useMemo(() => toTexts(draft, loaded.defaults[locale]), [draft, loaded, locale]);

  // Live preview on sample data, rendered by the server exactly as the outbox renders; a new
  // logo asks for it again.
  const previewInput = useMemo(() => ({ locale, texts, logo: loaded.logo }), [locale, texts, loaded.logo]);
  const { preview, error: previewError } = useServerPreview<typeof previewInput, NotificationPreview | null>(
    previewInput,
    (input) => notificationTextsApi.preview(input.locale, input.texts),
    null,
  );

  const change = (field: NotificationTextField, value: string) => {
    setDone(null);
    setDrafts((d) => ({ ...d, [locale]: { ...d[locale], [field]: value } }));
  };
  const run = (action: () => Promise<AdminNotificationTexts>, message: string, refill: boolean) =>
    runAction(async () => {
      setDone(null);
      const next = await action();
      setLoaded(next);
      if (refill) setDrafts((d) => ({ ...d, [locale]: draftsOf(next)[locale] }));
      setDone(message);
    });
  const save = () => void run(() => notificationTextsApi.save(locale, texts), t("admin.notifications.saved"), true);
  const reset = () => {
    setConfirmReset(false);
    void run(() => notificationTextsApi.reset(locale), t("admin.notifications.resetDone"), true);
  };
  const handleLogo = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    void run(
      async () => notificationTextsApi.uploadLogo(new Uint8Array(await file.arrayBuffer()), file.type || "image/png"),
      t("admin.notifications.logoSaved"),
      false,
    );
  };
  const removeLogo = () =>
    void run(() => notificationTextsApi.removeLogo(), t("admin.notifications.logoRemoved"), false);

  const bad = errorField(error) ?? errorField(previewError);
  const field = (name: NotificationTextField) => {
    const rule = loaded.rules[name];
    const custom = loaded.texts[locale][name] !== null;
    const placeholders = rule.allowed.map((p) => `{${p}}`).join(" ");
    const help = [
      t(`admin.notifications.help.${name}`),
      placeholders ? t("admin.notifications.placeholders", { list: placeholders }) : "",
      rule.required.length
        ? t("admin.notifications.required", { list: rule.required.map((p) => `{${p}}`).join(" ") })
        : "",
    ]
      .filter(Boolean)
      .join(" ");
    return (
      <TextField
        key={`${locale}-${name}`}
        label={t(`admin.notifications.field.${name}`)}
        value={draft[name]}
        onChange={(_e, v) => change(name, v ?? "")}
        multiline={rule.multiline}
        autoAdjustHeight={rule.multiline}
        rows={rule.multiline ? 3 : undefined}
        maxLength={rule.maxLength}
        description={`${help} ${custom ? t("admin.notifications.custom") : t("admin.notifications.isDefault")}`}
        errorMessage={bad === name ? t("admin.notifications.fieldError") : undefined}
        data-testid={`notif-${name}`}
      />
    );
  };

  return (
    <>
      <Pivot
        aria-label={t("admin.notifications.languages")}
        selectedKey={locale}
        onLinkClick={(item) => {
          setDone(null);
          setError(null);
          setLocale((item?.props.itemKey ?? "sv") as NotificationLocale);
        }}
        styles={{ root: { marginBottom: 12, flexWrap: "wrap" } }}
      >
        {locales.map((l) => (
          <PivotItem
            key={l}
            itemKey={l}
            headerText={t(`admin.notifications.language.${l}`)}
            data-testid={`notif-tab-${l}`}
          />
        ))}
      </Pivot>
      <SettingsCard
        id="notification-email"
        title={t("admin.notifications.emailTitle")}
        lead={t("admin.notifications.emailLead")}
      >
        <div className={formClasses.form}>
          {field("senderName")}
          {field("intro")}
          <p className={settingsClasses.itemMeta}>{t("admin.notifications.fixedPart")}</p>
          {field("footer")}
        </div>
      </SettingsCard>
      <SettingsCard
        id="notification-sms"
        title={t("admin.notifications.smsTitle")}
        lead={t("admin.notifications.smsLead")}
      >
        <div className={formClasses.form}>
          {field("smsRecipientCode")}
          {field("smsIdCheck")}
        </div>
      </SettingsCard>
      <div className={adminClasses.saveBar}>
        <SettingsError error={error} />
        <SettingsSuccess text={done} testId="notif-done" />
        <div className={adminClasses.rowActions}>
          <PrimaryButton onClick={save} disabled={busy} data-testid="notif-save">
            {t("admin.notifications.save", { language: t(`admin.notifications.language.${locale}`) })}
          </PrimaryButton>
          <DefaultButton onClick={() => setConfirmReset(true)} disabled={busy} data-testid="notif-reset">
            {t("admin.notifications.reset")}
          </DefaultButton>
        </div>
      </div>
      <SettingsCard
        id="notification-logo"
        title={t("admin.notifications.logoTitle")}
        lead={t("admin.notifications.logoLead", {
          kb: Math.round(loaded.logoLimits.maxBytes / 1024),
          width: loaded.logoLimits.maxWidth,
          height: loaded.logoLimits.maxHeight,
        })}
      >
        {loaded.logo ? (
          <div className={adminClasses.preview}>
            <img
              src={loaded.logo.dataUrl}
              alt={t("admin.notifications.logoAlt")}
              style={{ maxWidth: "100%", maxHeight: 80, display: "block" }}
              data-testid="notif-logo"
            />
            <p className={settingsClasses.itemMeta}>
              {t("admin.notifications.logoMeta", {
                width: loaded.logo.width,
                height: loaded.logo.height,
                kb: Math.max(1, Math.round(loaded.logo.bytes / 1024)),
              })}
            </p>
          </div>
        ) : (
          <p className={settingsClasses.itemMeta} data-testid="notif-no-logo">
            {t("admin.notifications.noLogo")}
          </p>
        )}
        <div style={{ marginTop: 12, display: "flex", flexDirection: "column", alignItems: "flex-start", gap: 4 }}>
          <label className={adminClasses.fileLabel}>
            {t("admin.notifications.chooseLogo")}
            <input
              type="file"
              accept="image/png,image/jpeg"
              onChange={handleLogo}
              disabled={busy}
              data-testid="notif-logo-file"
              className={adminClasses.fileInput}
            />
          </label>
          {loaded.logo ? (
            <DefaultButton onClick={removeLogo} disabled={busy} data-testid="notif-logo-remove">
              {t("admin.notifications.removeLogo")}
            </DefaultButton>
          ) : null}
        </div>
      </SettingsCard>
      <SettingsCard
        id="notification-preview"
        title={t("admin.notifications.previewTitle")}
        lead={t("admin.notifications.previewLead")}
      >
        {previewError ? (
          <MessageBar messageBarType={MessageBarType.warning} isMultiline data-testid="notif-preview-error">
            {t("admin.notifications.previewInvalid")}
          </MessageBar>
        ) : null}
        {preview ? (
          <div className={adminClasses.preview} data-testid="notif-preview">
            <p className={adminClasses.previewLabel}>
              {t("admin.notifications.previewFrom")}:{" "}
              <span data-testid="notif-preview-from">{preview.email.fromName}</span>
            </p>
            <p className={adminClasses.previewLabel}>
              {t("admin.notifications.previewSubject")}: <span>{preview.email.subject}</span>
            </p>
            <iframe
              title={t("admin.notifications.previewFrame")}
              sandbox=""
              srcDoc={preview.email.html}
              style={{ width: "100%", height: 540, border: 0, background: "#f3f2f1" }}
              data-testid="notif-preview-html"
            />
            <p className={adminClasses.previewLabel}>{t("admin.notifications.field.smsRecipientCode")}</p>
            <p className={adminClasses.previewBody} data-testid="notif-preview-sms">
              {preview.sms.recipientCode}
            </p>
            <p className={adminClasses.previewLabel}>{t("admin.notifications.field.smsIdCheck")}</p>
            <p className={adminClasses.previewBody}>{preview.sms.idCheck}</p>
          </div>
        ) : (
          <Spinner label={t("common.loading")} />
        )}
      </SettingsCard>
      <Dialog
        hidden={!confirmReset}
        onDismiss={() => setConfirmReset(false)}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("admin.notifications.confirmResetTitle"),
          subText: t("admin.notifications.confirmResetText", {
            language: t(`admin.notifications.language.${locale}`),
          }),
        }}
        modalProps={{ isBlocking: true }}
      >
        <DialogFooter>
          <PrimaryButton onClick={reset} disabled={busy} data-testid="notif-reset-confirm">
            {t("admin.notifications.reset")}
          </PrimaryButton>
          <DefaultButton onClick={() => setConfirmReset(false)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </>
  );
}

/** Notification texts (issue 10): the e-mail and SMS a message's recipients get, per language, with a live preview. */
export function NotificationTextsPage() {
  const loaded = useInitialLoad(notificationTextsApi.get);
  const initial = loaded.initial;
  if (!initial) return <LoadingOrError error={loaded.error} />;
  return <NotificationForm initial={initial} />;
}
