import { useEffect, useState } from "react";
import {
  Checkbox,
  ChoiceGroup,
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  PrimaryButton,
  TextField,
  Toggle,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminPolicyApi, securityFunctions, type AdminPolicies } from "../../api/admin.js";
import { formClasses } from "../../components/formStyles.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError, SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

/** The form's values: numbers as typed, checked against the bounds when saved. */
interface Draft {
  requireSecondFactor: boolean;
  threshold: string;
  mode: "hard" | "temporary";
  delayMinutes: string;
  defaults: AdminPolicies["messages"]["defaults"];
  forced: Set<string>;
  expiryOn: boolean;
  expiryDays: string;
  longestOn: boolean;
  longestDays: string;
  subjectInNotifications: boolean;
  idleOn: boolean;
  idleMinutes: string;
  absoluteOn: boolean;
  absoluteHours: string;
  attachmentOn: boolean;
  attachmentMb: string;
  /** Smart Alerts keywords, one per line. */
  keywords: string;
  sendMode: AdminPolicies["smartAlerts"]["sendMode"];
  allowSendAnyway: boolean;
  subjectMode: AdminPolicies["subjectRule"]["mode"];
  /** Subject-rule keywords, one per line. */
  subjectKeywords: string;
}

/** What an admin may set (the server checks the same bounds; the plan caps the attachment size). */
const bounds = {
  idle: { min: 5, max: 480 },
  absolute: { min: 1, max: 24 },
  attachment: { min: 1, max: 500 },
} as const;

function draftOf(p: AdminPolicies): Draft {
  return {
    requireSecondFactor: p.requireSecondFactor,
    threshold: String(p.lockout.threshold),
    mode: p.lockout.mode,
    delayMinutes: String(Math.round(p.lockout.baseDelaySeconds / 60)),
    defaults: { ...p.messages.defaults },
    forced: new Set(p.messages.forced),
    expiryOn: p.messages.defaultExpiryDays !== null,
    expiryDays: String(p.messages.defaultExpiryDays ?? 30),
    longestOn: p.messages.longestExpiryDays !== null,
    longestDays: String(p.messages.longestExpiryDays ?? 365),
    subjectInNotifications: p.subjectInNotifications,
    idleOn: p.sessions.idleMinutes !== null,
    idleMinutes: String(p.sessions.idleMinutes ?? 30),
    absoluteOn: p.sessions.absoluteHours !== null,
    absoluteHours: String(p.sessions.absoluteHours ?? 12),
    attachmentOn: p.attachmentMaxMb !== null,
    attachmentMb: String(p.attachmentMaxMb ?? 100),
    keywords: p.smartAlerts.keywords.join("\n"),
    sendMode: p.smartAlerts.sendMode,
    allowSendAnyway: p.smartAlerts.allowSendAnyway,
    subjectMode: p.subjectRule.mode,
    subjectKeywords: p.subjectRule.keywords.join("\n"),
  };
}

const whole = (s: string, min: number, max: number): number | null => {
  const n = Number(s.trim());
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
};

function ZeroAccessCard({ policies, reload }: { policies: AdminPolicies; reload(): Promise<void> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const on = policies.zeroAccess;

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await adminPolicyApi.changePolicies(
        on ? { zeroAccess: false } : { zeroAccess: true, confirmZeroAccess: true },
      );
      setOpen(false);
      setDone(
        on
          ? t("admin.policies.zeroAccess.turnedOff")
          : t("admin.policies.zeroAccess.turnedOn", { count: res.escrowCopiesDropped ?? 0 }),
      );
      await reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard id="zero-access" title={t("admin.policies.zeroAccess.title")} danger={!on}>
      <p className={settingsClasses.status}>
        <span
          className={`${settingsClasses.badge} ${on ? settingsClasses.badgeOk : ""}`}
          data-testid="zero-access-state"
        >
          {on ? t("admin.policies.zeroAccess.on") : t("admin.policies.zeroAccess.off")}
        </span>
      </p>
      <p className={settingsClasses.cardLead}>{t("admin.policies.zeroAccess.explain")}</p>
      <p className={settingsClasses.cardLead}>
        <strong>{t("admin.policies.zeroAccess.consequenceTitle")}</strong> {t("admin.policies.zeroAccess.consequence")}
      </p>
      <SettingsSuccess text={done} testId="zero-access-done" />
      <div className={formClasses.actions}>
        <DefaultButton
          onClick={() => {
            setUnderstood(false);
            setError(null);
            setOpen(true);
          }}
          data-testid="zero-access-toggle"
        >
          {on ? t("admin.policies.zeroAccess.turnOff") : t("admin.policies.zeroAccess.turnOn")}
        </DefaultButton>
      </div>
      <Dialog
        hidden={!open}
        onDismiss={() => setOpen(false)}
        dialogContentProps={{
          type: DialogType.normal,
          title: on ? t("admin.policies.zeroAccess.confirmOffTitle") : t("admin.policies.zeroAccess.confirmOnTitle"),
          subText: on ? t("admin.policies.zeroAccess.confirmOffText") : t("admin.policies.zeroAccess.confirmOnText"),
        }}
        modalProps={{ isBlocking: true }}
      >
        {!on ? (
          <span data-testid="zero-access-understand">
            <Checkbox
              label={t("admin.policies.zeroAccess.understand")}
              checked={understood}
              onChange={(_e, v) => setUnderstood(!!v)}
            />
          </span>
        ) : null}
        <SettingsError error={error} />
        <DialogFooter>
          <PrimaryButton
            onClick={() => void confirm()}
            disabled={busy || (!on && !understood)}
            data-testid="zero-access-confirm"
          >
            {on ? t("admin.policies.zeroAccess.turnOff") : t("admin.policies.zeroAccess.turnOn")}
          </PrimaryButton>
          <DefaultButton onClick={() => setOpen(false)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </SettingsCard>
  );
}

/** The organisation's policies (issue 10, *Policies*): what the product enforces today. */
export function PoliciesPage() {
  const { t } = useTranslation();
  const loaded = useLoad(adminPolicyApi.policies);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (loaded.data) setDraft(draftOf(loaded.data));
  }, [loaded.data]);

  if (!loaded.data || !draft) return <LoadingOrError error={loaded.error} />;
  const set = (change: Partial<Draft>) => {
    setDone(null);
    setDraft({ ...draft, ...change });
  };

  const save = async () => {
    setError(null);
    setDone(null);
    const threshold = whole(draft.threshold, 3, 10);
    const delay = whole(draft.delayMinutes, 1, 1440);
    const days = draft.expiryOn ? whole(draft.expiryDays, 1, 3650) : null;
    if (threshold === null) return setInvalid(t("admin.policies.lockout.thresholdInvalid"));
    if (delay === null) return setInvalid(t("admin.policies.lockout.delayInvalid"));
    if (draft.expiryOn && days === null) return setInvalid(t("admin.policies.messages.expiryInvalid"));
    const longest = draft.longestOn ? whole(draft.longestDays, 1, 3650) : null;
    if (draft.longestOn && longest === null) return setInvalid(t("admin.policies.messages.longestInvalid"));
    if (days !== null && longest !== null && days > longest)
      return setInvalid(t("admin.policies.messages.defaultOverLongest"));
    const idle = draft.idleOn ? whole(draft.idleMinutes, bounds.idle.min, bounds.idle.max) : null;
    if (draft.idleOn && idle === null) return setInvalid(t("admin.policies.limits.idleInvalid", bounds.idle));
    const absolute = draft.absoluteOn ? whole(draft.absoluteHours, bounds.absolute.min, bounds.absolute.max) : null;
    if (draft.absoluteOn && absolute === null)
      return setInvalid(t("admin.policies.limits.absoluteInvalid", bounds.absolute));
    const attachment = draft.attachmentOn
      ? whole(draft.attachmentMb, bounds.attachment.min, bounds.attachment.max)
      : null;
    if (draft.attachmentOn && attachment === null)
      return setInvalid(t("admin.policies.limits.attachmentInvalid", bounds.attachment));
    const keywords = draft.keywords
      .split("\n")
      .map((k) => k.trim())
      .filter(Boolean);
    if (keywords.length > 200 || keywords.some((k) => k.length > 100))
      return setInvalid(t("admin.policies.smartAlerts.keywordsInvalid"));
    const subjectKeywords = draft.subjectKeywords
      .split("\n")
      .map((k) => k.trim())
      .filter(Boolean);
    if (subjectKeywords.length > 200 || subjectKeywords.some((k) => k.length > 100))
      return setInvalid(t("admin.policies.subjectRule.keywordsInvalid"));
    setInvalid(null);
    setBusy(true);
    try {
      await adminPolicyApi.changePolicies({
        requireSecondFactor: draft.requireSecondFactor,
        lockout: { threshold, mode: draft.mode, baseDelaySeconds: delay * 60 },
        messages: {
          defaults: draft.defaults,
          forced: securityFunctions.filter((f) => draft.forced.has(f)),
          defaultExpiryDays: days,
          longestExpiryDays: longest,
        },
        subjectInNotifications: draft.subjectInNotifications,
        sessions: { idleMinutes: idle, absoluteHours: absolute },
        attachmentMaxMb: attachment,
        smartAlerts: { keywords, sendMode: draft.sendMode, allowSendAnyway: draft.allowSendAnyway },
        subjectRule: { mode: draft.subjectMode, keywords: subjectKeywords },
      });
      await loaded.reload();
      setDone(t("admin.policies.saved"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <SettingsCard id="lockout" title={t("admin.policies.lockout.title")} lead={t("admin.policies.lockout.lead")}>
        <div className={`${formClasses.form} ${settingsClasses.narrow}`}>
          <Toggle
            label={t("admin.policies.lockout.requireSecondFactor")}
            checked={draft.requireSecondFactor}
            onChange={(_e, v) => set({ requireSecondFactor: !!v })}
            onText={t("admin.users.on")}
            offText={t("admin.users.off")}
            data-testid="require-second-factor"
          />
          <p className={settingsClasses.itemMeta} style={{ marginTop: -8 }}>
            {t("admin.policies.lockout.requireSecondFactorHelp")}
          </p>
          <TextField
            label={t("admin.policies.lockout.threshold")}
            description={t("admin.policies.lockout.thresholdHelp")}
            type="number"
            min={3}
            max={10}
            value={draft.threshold}
            onChange={(_e, v) => set({ threshold: v ?? "" })}
            data-testid="lockout-threshold"
          />
          <ChoiceGroup
            label={t("admin.policies.lockout.mode")}
            selectedKey={draft.mode}
            onChange={(_e, o) => set({ mode: o?.key as Draft["mode"] })}
            options={[
              { key: "hard", text: t("admin.policies.lockout.hard") },
              { key: "temporary", text: t("admin.policies.lockout.temporary") },
            ]}
          />
          {draft.mode === "temporary" ? (
            <TextField
              label={t("admin.policies.lockout.delay")}
              description={t("admin.policies.lockout.delayHelp")}
              type="number"
              min={1}
              max={1440}
              value={draft.delayMinutes}
              onChange={(_e, v) => set({ delayMinutes: v ?? "" })}
              data-testid="lockout-delay"
            />
          ) : null}
        </div>
      </SettingsCard>
      <SettingsCard id="messages" title={t("admin.policies.messages.title")} lead={t("admin.policies.messages.lead")}>
        <table className={settingsClasses.table} data-testid="functions-table">
          <caption className="visually-hidden">{t("admin.policies.messages.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.policies.messages.function")}</th>
              <th scope="col">{t("admin.policies.messages.defaultOn")}</th>
              <th scope="col">{t("admin.policies.messages.required")}</th>
            </tr>
          </thead>
          <tbody>
            {securityFunctions.map((f) => (
              <tr key={f}>
                <td>
                  <span className={adminClasses.name} id={`fn-${f}`}>
                    {t(`mail.security.${f}.name`)}
                  </span>
                  <span className={adminClasses.email}>{t(`mail.security.${f}.help`)}</span>
                </td>
                <td>
                  <span data-testid={`default-${f}`}>
                    <Checkbox
                      label={t("admin.policies.messages.defaultOn")}
                      ariaDescribedBy={`fn-${f}`}
                      checked={draft.defaults[f] || draft.forced.has(f)}
                      disabled={draft.forced.has(f)}
                      onChange={(_e, v) => set({ defaults: { ...draft.defaults, [f]: !!v } })}
                    />
                  </span>
                </td>
                <td>
                  <span data-testid={`forced-${f}`}>
                    <Checkbox
                      label={t("admin.policies.messages.required")}
                      ariaDescribedBy={`fn-${f}`}
                      checked={draft.forced.has(f)}
                      onChange={(_e, v) => {
                        const forced = new Set(draft.forced);
                        if (v) forced.add(f);
                        else forced.delete(f);
                        set({ forced });
                      }}
                    />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className={`${formClasses.form} ${settingsClasses.narrow}`} style={{ marginTop: 16 }}>
          {(["expiry", "longest"] as const).map((k) => (
            <OptionalNumber
              key={k}
              testId={k}
              valueTestId={`${k}-days`}
              texts={`admin.policies.messages.${k}`}
              valueText="Days"
              bounds={{ min: 1, max: 3650 }}
              on={draft[`${k}On`]}
              value={draft[`${k}Days`]}
              onToggle={(v) => set({ [`${k}On`]: v })}
              onValue={(v) => set({ [`${k}Days`]: v })}
            />
          ))}
          <Toggle
            label={t("admin.policies.messages.subjectInNotifications")}
            checked={draft.subjectInNotifications}
            onChange={(_e, v) => set({ subjectInNotifications: !!v })}
            onText={t("admin.users.on")}
            offText={t("admin.users.off")}
            data-testid="subject-in-notifications"
          />
          <p className={settingsClasses.itemMeta} style={{ marginTop: -8 }}>
            {t("admin.policies.messages.subjectHelp")}
          </p>
        </div>
      </SettingsCard>
      <SettingsCard id="limits" title={t("admin.policies.limits.title")} lead={t("admin.policies.limits.lead")}>
        <div className={`${formClasses.form} ${settingsClasses.narrow}`}>
          <OptionalNumber
            testId="idle"
            valueTestId="idle-minutes"
            texts="admin.policies.limits.idle"
            valueText="Value"
            bounds={bounds.idle}
            on={draft.idleOn}
            value={draft.idleMinutes}
            onToggle={(v) => set({ idleOn: v })}
            onValue={(v) => set({ idleMinutes: v })}
          />
          <OptionalNumber
            testId="absolute"
            valueTestId="absolute-hours"
            texts="admin.policies.limits.absolute"
            valueText="Value"
            bounds={bounds.absolute}
            on={draft.absoluteOn}
            value={draft.absoluteHours}
            onToggle={(v) => set({ absoluteOn: v })}
            onValue={(v) => set({ absoluteHours: v })}
          />
          <OptionalNumber
            testId="attachment"
            valueTestId="attachment-mb"
            texts="admin.policies.limits.attachment"
            valueText="Value"
            bounds={bounds.attachment}
            on={draft.attachmentOn}
            value={draft.attachmentMb}
            onToggle={(v) => set({ attachmentOn: v })}
            onValue={(v) => set({ attachmentMb: v })}
          />
        </div>
      </SettingsCard>
      <SettingsCard
        id="smart-alerts"
        title={t("admin.policies.smartAlerts.title")}
        lead={t("admin.policies.smartAlerts.lead")}
      >
        <div className={`${formClasses.form} ${settingsClasses.narrow}`}>
          <TextField
            label={t("admin.policies.smartAlerts.keywords")}
            description={t("admin.policies.smartAlerts.keywordsHelp")}
            multiline
            rows={4}
            value={draft.keywords}
            onChange={(_e, v) => set({ keywords: v ?? "" })}
            data-testid="smart-alerts-keywords"
          />
          <ChoiceGroup
            label={t("admin.policies.smartAlerts.sendMode")}
            selectedKey={draft.sendMode}
            onChange={(_e, o) => set({ sendMode: o?.key as Draft["sendMode"] })}
            options={[
              { key: "softBlock", text: t("admin.policies.smartAlerts.softBlock") },
              { key: "block", text: t("admin.policies.smartAlerts.block") },
            ]}
            data-testid="smart-alerts-send-mode"
          />
          <Toggle
            label={t("admin.policies.smartAlerts.allowSendAnyway")}
            checked={draft.allowSendAnyway && draft.sendMode !== "block"}
            disabled={draft.sendMode === "block"}
            onChange={(_e, v) => set({ allowSendAnyway: !!v })}
            onText={t("admin.users.on")}
            offText={t("admin.users.off")}
            data-testid="smart-alerts-send-anyway"
          />
          <p className={settingsClasses.itemMeta} style={{ marginTop: -8 }}>
            {t("admin.policies.smartAlerts.allowSendAnywayHelp")}
          </p>
        </div>
      </SettingsCard>
      <SettingsCard
        id="subject-rule"
        title={t("admin.policies.subjectRule.title")}
        lead={t("admin.policies.subjectRule.lead")}
      >
        <div className={`${formClasses.form} ${settingsClasses.narrow}`}>
          <ChoiceGroup
            label={t("admin.policies.subjectRule.mode")}
            selectedKey={draft.subjectMode}
            onChange={(_e, o) => set({ subjectMode: o?.key as Draft["subjectMode"] })}
            options={[
              { key: "warn", text: t("admin.policies.subjectRule.warn") },
              { key: "forbid", text: t("admin.policies.subjectRule.forbid") },
              { key: "off", text: t("admin.policies.subjectRule.off") },
            ]}
            data-testid="subject-rule-mode"
          />
          <TextField
            label={t("admin.policies.subjectRule.keywords")}
            description={t("admin.policies.subjectRule.keywordsHelp")}
            multiline
            rows={4}
            value={draft.subjectKeywords}
            disabled={draft.subjectMode === "off"}
            onChange={(_e, v) => set({ subjectKeywords: v ?? "" })}
            data-testid="subject-rule-keywords"
          />
        </div>
      </SettingsCard>
      <div className={adminClasses.saveBar}>
        {invalid ? (
          <p role="alert" className={adminClasses.invalid} data-testid="policies-invalid">
            {invalid}
          </p>
        ) : null}
        <SettingsError error={error} />
        <SettingsSuccess text={done} testId="policies-saved" />
        <PrimaryButton onClick={() => void save()} disabled={busy} data-testid="policies-save">
          {t("admin.policies.save")}
        </PrimaryButton>
      </div>
      <ZeroAccessCard policies={loaded.data} reload={loaded.reload} />
    </>
  );
}

/**
 * A number that applies only when its box is ticked (expiry, session timeouts, attachment size);
 * unticked, the default applies. Texts: `<texts>On`, `<texts><valueText>`, `<texts>Help`.
 */
function OptionalNumber(props: {
  testId: string;
  valueTestId: string;
  texts: string;
  valueText: "Days" | "Value";
  bounds: { min: number; max: number };
  on: boolean;
  value: string;
  onToggle: (on: boolean) => void;
  onValue: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <span data-testid={`${props.testId}-on`}>
        <Checkbox label={t(`${props.texts}On`)} checked={props.on} onChange={(_e, v) => props.onToggle(!!v)} />
      </span>
      {props.on ? (
        <TextField
          label={t(`${props.texts}${props.valueText}`)}
          description={t(`${props.texts}Help`, props.bounds)}
          type="number"
          min={props.bounds.min}
          max={props.bounds.max}
          value={props.value}
          onChange={(_e, v) => props.onValue(v ?? "")}
          data-testid={props.valueTestId}
        />
      ) : null}
    </>
  );
}
