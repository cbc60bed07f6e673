import { useState, type FormEvent } from "react";
import {
  DefaultButton,
  Dropdown,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Spinner,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { accountApi, type Confirmation, type Phone, type TwoFactorStatus } from "../../api/account.js";
import { formClasses } from "../../components/formStyles.js";
import { OneTimeCodeField } from "../../components/OneTimeCodeField.js";
import { cleanCode, useAction } from "../../components/useAction.js";
import { SecondFactorConfirm, cleanConfirmation } from "./SecondFactorConfirm.js";
import { SettingsCard } from "./SettingsCard.js";
import { SettingsError, SettingsSuccess } from "./SettingsError.js";
import { settingsClasses } from "./settingsStyles.js";
import { useLoad } from "./useLoad.js";

/** Country calling codes offered first; any other country works with the full +number. */
export const phoneCountries = [
  ["SE", "46"],
  ["NO", "47"],
  ["DK", "45"],
  ["FI", "358"],
  ["DE", "49"],
  ["GB", "44"],
  ["NL", "31"],
  ["FR", "33"],
  ["ES", "34"],
  ["PL", "48"],
  ["US", "1"],
] as const;

interface PhonesSectionProps {
  status: TwoFactorStatus;
  onChanged(): Promise<void>;
}

type Open =
  { kind: "none" } | { kind: "add" } | { kind: "verify"; id: string; sent: boolean } | { kind: "remove"; id: string };

function countryName(code: string, language: string): string {
  try {
    return new Intl.DisplayNames([language === "en" ? "en" : "sv"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** +46701234567 → +46 701234567: the country code set apart, so the number reads more easily. */
export function formatPhone(e164: string, callingCode: string): string {
  if (!callingCode || !e164.startsWith(`+${callingCode}`)) return e164;
  return `+${callingCode} ${e164.slice(callingCode.length + 1)}`;
}

/** Phones (F17): list, add a backup phone, verify it by SMS, make it primary, remove it. */
export function PhonesSection({ status, onChanged }: PhonesSectionProps) {
  const { t, i18n } = useTranslation();
  const phones = useLoad(accountApi.phones);
  const [open, setOpen] = useState<Open>({ kind: "none" });
  const [country, setCountry] = useState<string>("SE");
  const [number, setNumber] = useState("");
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [confirmation, setConfirmation] = useState<Confirmation>({ method: "totp", code: "" });
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  const show = (next: Open) => {
    setOpen(next);
    setError(null);
    setCode("");
    setConfirmation({ method: "totp", code: "" });
    if (next.kind !== "none") setDone(null);
  };

  const handleAdd = (e: FormEvent) => {
    e.preventDefault();
    const c = cleanConfirmation(status.methods, confirmation);
    if (!number.trim() || !c.code) return;
    const international = number.trim().startsWith("+") || country === "other";
    void run(async () => {
      const res = await accountApi.addPhone(
        {
          mobile: number.trim(),
          country: international ? undefined : country,
          name: name.trim() || t("settings.phones.defaultName"),
        },
        c,
      );
      setNumber("");
      setName("");
      await phones.reload();
      show({ kind: "verify", id: res.phone.id, sent: true });
      await onChanged();
    });
  };

  const handleVerify = (e: FormEvent, id: string) => {
    e.preventDefault();
    const clean = cleanCode(code);
    if (!clean) return;
    void run(async () => {
      await accountApi.verifyPhone(id, clean);
      show({ kind: "none" });
      await phones.reload();
      setDone(t("settings.phones.verified"));
    });
  };

  const handleResend = (id: string) =>
    run(async () => {
      await accountApi.sendPhoneCode(id);
      setOpen({ kind: "verify", id, sent: true });
    });

  const handlePrimary = (id: string) =>
    run(async () => {
      await accountApi.makePrimary(id);
      show({ kind: "none" });
      await phones.reload();
      setDone(t("settings.phones.primaryChanged"));
      await onChanged();
    });

  const handleRemove = (e: FormEvent, id: string) => {
    e.preventDefault();
    const c = cleanConfirmation(status.methods, confirmation);
    if (!c.code) return;
    void run(async () => {
      await accountApi.removePhone(id, c);
      show({ kind: "none" });
      setDone(t("settings.phones.removed"));
      await phones.reload();
      await onChanged();
    });
  };

  const countryOptions = [
    ...phoneCountries.map(([iso, calling]) => ({ key: iso, text: `${countryName(iso, i18n.language)} (+${calling})` })),
    { key: "other", text: t("settings.phones.otherCountry") },
  ];

  const renderPhone = (p: Phone) => {
    const isOpen = (kind: Open["kind"]) => open.kind === kind && "id" in open && open.id === p.id;
    return (
      <li key={p.id} className={settingsClasses.listItem} data-testid="phone" data-number={p.number}>
        <div className={settingsClasses.itemMain}>
          <div className={settingsClasses.itemTitle}>
            <span>{p.name === "Mobile" ? t("settings.phones.mobileName") : p.name}</span>
            {p.primary ? (
              <span className={`${settingsClasses.badge} ${settingsClasses.badgeInfo}`}>
                {t("settings.phones.primary")}
              </span>
            ) : null}
            <span
              className={`${settingsClasses.badge} ${p.verified ? settingsClasses.badgeOk : settingsClasses.badgeWarn}`}
              data-testid="phone-state"
            >
              {p.verified ? t("settings.phones.isVerified") : t("settings.phones.notVerified")}
            </span>
          </div>
          <div className={settingsClasses.itemMeta}>
            {formatPhone(p.number, p.callingCode)}
            {p.country && p.country !== "ZZ" ? ` · ${countryName(p.country, i18n.language)}` : ""}
          </div>
        </div>
        <div className={settingsClasses.itemActions}>
          {!p.verified ? (
            <DefaultButton onClick={() => show({ kind: "verify", id: p.id, sent: false })} data-testid="phone-verify">
              {t("settings.phones.verify")}
            </DefaultButton>
          ) : null}
          {p.verified && !p.primary ? (
            <DefaultButton onClick={() => void handlePrimary(p.id)} disabled={busy} data-testid="phone-make-primary">
              {t("settings.phones.makePrimary")}
            </DefaultButton>
          ) : null}
          {!p.primary ? (
            <DefaultButton onClick={() => show({ kind: "remove", id: p.id })} data-testid="phone-remove">
              {t("settings.phones.remove")}
            </DefaultButton>
          ) : null}
        </div>
        {isOpen("verify") ? (
          <form
            className={`${formClasses.form} ${settingsClasses.subForm}`}
            onSubmit={(e) => handleVerify(e, p.id)}
            noValidate
          >
            <p className={formClasses.lead} style={{ margin: 0 }}>
              {open.kind === "verify" && open.sent
                ? t("settings.phones.codeSent", { number: p.number })
                : t("settings.phones.verifyLead", { number: p.number })}
            </p>
            <div className={settingsClasses.narrow}>
              <OneTimeCodeField
                label={t("settings.phones.verifyCode")}
                value={code}
                onChange={setCode}
                numeric
                testId="phone-code"
              />
            </div>
            <SettingsError error={error} />
            <div className={formClasses.actions}>
              <PrimaryButton type="submit" disabled={busy || !code.trim()} data-testid="phone-verify-submit">
                {t("settings.phones.verifySubmit")}
              </PrimaryButton>
              <DefaultButton onClick={() => void handleResend(p.id)} disabled={busy} data-testid="phone-resend">
                {t("settings.phones.resend")}
              </DefaultButton>
              <DefaultButton onClick={() => show({ kind: "none" })}>{t("settings.cancel")}</DefaultButton>
            </div>
          </form>
        ) : null}
        {isOpen("remove") ? (
          <form
            className={`${formClasses.form} ${settingsClasses.subForm}`}
            onSubmit={(e) => handleRemove(e, p.id)}
            noValidate
          >
            <p className={formClasses.lead} style={{ margin: 0 }}>
              {t("settings.phones.removeLead", { number: p.number })}
            </p>
            <div className={settingsClasses.narrow}>
              <SecondFactorConfirm
                methods={status.methods}
                value={confirmation}
                onChange={setConfirmation}
                idPrefix="phone-remove"
              />
            </div>
            <SettingsError error={error} />
            <div className={formClasses.actions}>
              <PrimaryButton
                type="submit"
                disabled={busy || !confirmation.code.trim()}
                data-testid="phone-remove-submit"
              >
                {t("settings.phones.removeSubmit")}
              </PrimaryButton>
              <DefaultButton onClick={() => show({ kind: "none" })}>{t("settings.cancel")}</DefaultButton>
            </div>
          </form>
        ) : null}
      </li>
    );
  };

  return (
    <SettingsCard id="phones" title={t("settings.phones.title")} lead={t("settings.phones.lead")}>
      {phones.error ? <SettingsError error={phones.error} /> : null}
      {!phones.data && !phones.error ? <Spinner label={t("common.loading")} /> : null}
      {phones.data ? (
        <ul className={settingsClasses.list} aria-label={t("settings.phones.listLabel")}>
          {phones.data.phones.map(renderPhone)}
        </ul>
      ) : null}
      {phones.data && phones.data.phones.length === 0 ? <p>{t("settings.phones.none")}</p> : null}
      <SettingsSuccess text={open.kind === "none" ? done : null} testId="phones-done" />

      {open.kind === "add" ? (
        <form
          className={`${formClasses.form} ${settingsClasses.narrow}`}
          onSubmit={handleAdd}
          noValidate
          data-testid="phone-add-form"
        >
          <h3 style={{ fontSize: 17, margin: "8px 0 0" }}>{t("settings.phones.addTitle")}</h3>
          <Dropdown
            label={t("settings.phones.country")}
            selectedKey={country}
            options={countryOptions}
            onChange={(_, o) => o && setCountry(String(o.key))}
            data-testid="phone-country"
          />
          <TextField
            label={t("settings.phones.number")}
            description={country === "other" ? t("settings.phones.numberHelpOther") : t("settings.phones.numberHelp")}
            type="tel"
            value={number}
            onChange={(_, v) => setNumber(v ?? "")}
            autoComplete="tel-national"
            required
            data-testid="phone-number"
          />
          <TextField
            label={t("settings.phones.name")}
            description={t("settings.phones.nameHelp")}
            value={name}
            onChange={(_, v) => setName(v ?? "")}
            maxLength={100}
            data-testid="phone-name"
          />
          <SecondFactorConfirm
            methods={status.methods}
            value={confirmation}
            onChange={setConfirmation}
            idPrefix="phone-add"
          />
          <SettingsError error={error} />
          <div className={formClasses.actions}>
            <PrimaryButton
              type="submit"
              disabled={busy || !number.trim() || !confirmation.code.trim()}
              data-testid="phone-add-submit"
            >
              {t("settings.phones.addSubmit")}
            </PrimaryButton>
            <DefaultButton onClick={() => show({ kind: "none" })}>{t("settings.cancel")}</DefaultButton>
          </div>
        </form>
      ) : (
        <div className={formClasses.actions}>
          <DefaultButton onClick={() => show({ kind: "add" })} data-testid="phone-add">
            {t("settings.phones.add")}
          </DefaultButton>
        </div>
      )}
      {open.kind === "none" && error ? <SettingsError error={error} /> : null}
      {phones.data?.phones.some((p) => !p.verified) ? (
        <MessageBar messageBarType={MessageBarType.info} isMultiline styles={{ root: { marginTop: 12 } }}>
          {t("settings.phones.unverifiedNote")}
        </MessageBar>
      ) : null}
    </SettingsCard>
  );
}
