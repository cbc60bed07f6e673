import type { Transaction } from "sequelize";
import { env } from "../../env.js";
import { NotificationLogo, notificationLocales, type NotificationLocale } from "../../models/NotificationText.js";
import { renderEmail, renderSms, type RenderedEmail } from "../templates.js";
import { SMS_CODE_TTL_MS } from "../smsCodes.js";
import {
  customCodeSms,
  defaultTextsFor,
  fieldRules,
  loadBranding,
  logoCid,
  notificationBranding,
  textFields,
  type CodeSmsKind,
  type OrgBranding,
  type Texts,
} from "./texts.js";
import { LOGO_MAX_BYTES, LOGO_MAX_HEIGHT, LOGO_MAX_WIDTH } from "./logo.js";

/** The notification e-mail's own values: the sender's name, the link, the expiry; never the message. */
export interface NotificationBase {
  /** The subject line, only where the organisation's policy lets it show (sendMessage decides). */
  subject: string;
  senderName: string;
  link: string;
  expiresAt: string;
}

/** What enqueueEmail needs for one notification e-mail, the organisation's texts applied. */
export function notificationEmail(branding: OrgBranding | null, locale: NotificationLocale, base: NotificationBase) {
  const branded = notificationBranding(branding, locale, base.senderName);
  return {
    template: "notification",
    vars: { ...base, ...branded.vars },
    ...(branded.fromName ? { fromName: branded.fromName } : {}),
    ...(branded.logo ? { logo: branded.logo } : {}),
  };
}

/** The locale of a notification: the organisation texts exist in sv and en only. */
export function notificationLocale(locale: string): NotificationLocale {
  return (notificationLocales as readonly string[]).includes(locale) ? (locale as NotificationLocale) : "sv";
}

const SAMPLE = {
  sv: { senderName: "Anna Andersson" },
  en: { senderName: "Anna Andersson" },
};

export interface NotificationPreview {
  email: RenderedEmail & { fromName: string };
  sms: Record<CodeSmsKind, string>;
}

/**
 * The notification e-mail and code SMS as a recipient would get them in `locale`, from `texts`
 * (a draft, already validated) on sample data: a made-up sender, link, expiry and code. The logo
 * is inlined as a data: URL (the real e-mail attaches it, cid:).
 */
export async function previewNotification(
  organisationId: string,
  locale: NotificationLocale,
  texts: Texts,
): Promise<NotificationPreview | null> {
  const loaded = await loadBranding(organisationId);
  if (!loaded) return null;
  const branding: OrgBranding = { ...loaded, texts: { ...loaded.texts, [locale]: texts } };
  const mail = notificationEmail(branding, locale, {
    subject: "",
    senderName: SAMPLE[locale].senderName,
    link: `${env().PUBLIC_URL}/r/EXAMPLE-LINK`,
    expiresAt: "2027-01-31",
  });
  const rendered = renderEmail(mail.template, locale, mail.vars);
  if (mail.logo) {
    const row = await NotificationLogo.findByPk(organisationId);
    if (row) {
      const dataUrl = `data:${row.contentType};base64,${row.data}`;
      rendered.html = rendered.html.split(`cid:${logoCid(row.sha256)}`).join(dataUrl);
    }
  }
  const vars = { code: "123456", minutes: SMS_CODE_TTL_MS / 60_000 };
  const sms = (kind: CodeSmsKind) =>
    customCodeSms(branding, kind, locale, vars) ??
    renderSms("security-code", locale, { ...vars, purpose: "phone_verify" });
  return {
    email: { ...rendered, fromName: mail.fromName ?? defaultTextsFor(locale).senderName },
    sms: { recipientCode: sms("recipientCode"), idCheck: sms("idCheck") },
  };
}

export interface AdminNotificationTexts {
  texts: Record<NotificationLocale, Texts>;
  defaults: Record<NotificationLocale, Record<keyof Texts, string>>;
  rules: Record<keyof Texts, { maxLength: number; multiline: boolean; allowed: string[]; required: string[] }>;
  logo: {
    contentType: string;
    width: number;
    height: number;
    bytes: number;
    sha256: string;
    updatedAt: string;
    dataUrl: string;
  } | null;
  logoLimits: { maxBytes: number; maxWidth: number; maxHeight: number; contentTypes: string[] };
}

/** The admin console's view: the organisation's texts (null = default), the defaults and the logo. */
export async function adminNotificationTexts(
  organisationId: string,
  t?: Transaction,
): Promise<AdminNotificationTexts | null> {
  const branding = await loadBranding(organisationId, t);
  if (!branding) return null;
  const logo = branding.logo ? await NotificationLogo.findByPk(organisationId, { transaction: t }) : null;
  return {
    texts: branding.texts,
    defaults: { sv: defaultTextsFor("sv"), en: defaultTextsFor("en") },
    rules: Object.fromEntries(
      textFields.map((f) => [
        f,
        {
          maxLength: fieldRules[f].maxLength,
          multiline: fieldRules[f].multiline,
          allowed: [...fieldRules[f].allowed],
          required: [...fieldRules[f].required],
        },
      ]),
    ) as AdminNotificationTexts["rules"],
    logo: logo
      ? {
          contentType: logo.contentType,
          width: logo.width,
          height: logo.height,
          bytes: logo.byteSize,
          sha256: logo.sha256,
          updatedAt: logo.updatedAt.toISOString(),
          dataUrl: `data:${logo.contentType};base64,${logo.data}`,
        }
      : null,
    logoLimits: {
      maxBytes: LOGO_MAX_BYTES,
      maxWidth: LOGO_MAX_WIDTH,
      maxHeight: LOGO_MAX_HEIGHT,
      contentTypes: ["image/png", "image/jpeg"],
    },
  };
}
