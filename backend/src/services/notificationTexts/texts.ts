import type { Transaction } from "sequelize";
import { env } from "../../env.js";
import { appError } from "../../errors.js";
import {
  NotificationLogo,
  NotificationText,
  notificationLocales,
  type NotificationLocale,
} from "../../models/NotificationText.js";
import { Organisation } from "../../models/Organisation.js";
import { plainName } from "../templates.js";

export { notificationLocales, type NotificationLocale };

/**
 * An organisation's notification texts (issue 10): what its admins may change in the e-mail a
 * recipient gets about a new secure message and in the code SMS that opens it. The link button,
 * the "content is not included" line and the expiry stay fixed in the template between the
 * introduction and the footer, so the link cannot be removed; the SMS texts must keep `{code}`.
 * Message content (subject, body) is never a placeholder: only the names below exist.
 */
export const textFields = ["senderName", "intro", "footer", "smsRecipientCode", "smsIdCheck"] as const;
export type TextField = (typeof textFields)[number];
export type Texts = Record<TextField, string | null>;

export const placeholderNames = ["sender", "organisation", "code", "minutes"] as const;
export type PlaceholderName = (typeof placeholderNames)[number];

export interface FieldRule {
  maxLength: number;
  multiline: boolean;
  allowed: readonly PlaceholderName[];
  required: readonly PlaceholderName[];
}

export const fieldRules: Record<TextField, FieldRule> = {
  senderName: { maxLength: 80, multiline: false, allowed: [], required: [] },
  intro: { maxLength: 1000, multiline: true, allowed: ["sender", "organisation"], required: [] },
  footer: { maxLength: 500, multiline: true, allowed: ["sender", "organisation"], required: [] },
  smsRecipientCode: {
    maxLength: 300,
    multiline: true,
    allowed: ["code", "minutes", "organisation"],
    required: ["code"],
  },
  smsIdCheck: { maxLength: 300, multiline: true, allowed: ["code", "minutes", "organisation"], required: ["code"] },
};

/** The display name of MAIL_FROM ("Kuvert <no-reply@…>" → "Kuvert"), "Kuvert" when it has none. */
export function mailFromName(): string {
  const m = /^\s*"?([^"<]*?)"?\s*</.exec(env().MAIL_FROM);
  return m?.[1]?.trim() || "Kuvert";
}

const defaultTexts: Record<NotificationLocale, Record<Exclude<TextField, "senderName">, string>> = {
  sv: {
    intro: "Hej!\n\n{sender} har skickat ett säkert meddelande till dig via Kuvert.",
    footer: "Det här är ett automatiskt meddelande från Kuvert.",
    smsRecipientCode:
      "Kod för att verifiera det här numret i Kuvert: {code}. Den gäller i {minutes} minuter. Dela den aldrig med någon.",
    smsIdCheck:
      "Kod för att verifiera det här numret i Kuvert: {code}. Den gäller i {minutes} minuter. Dela den aldrig med någon.",
  },
  en: {
    intro: "Hello,\n\n{sender} has sent a secure message to you through Kuvert.",
    footer: "This is an automatic message from Kuvert.",
    smsRecipientCode:
      "Code to verify this number in Kuvert: {code}. It is valid for {minutes} minutes. Never share it with anyone.",
    smsIdCheck:
      "Code to verify this number in Kuvert: {code}. It is valid for {minutes} minutes. Never share it with anyone.",
  },
};

/** The built-in texts (what the templates say when the organisation has not changed them). */
export function defaultTextsFor(locale: NotificationLocale): Record<TextField, string> {
  return { senderName: mailFromName(), ...defaultTexts[locale] };
}

/**
 * Plain text as stored: CRLF and Unicode line separators become \n (or a space on one-line
 * fields), other control characters become spaces, at most one blank line in a row, trimmed.
 */
export function cleanText(value: string, multiline: boolean): string {
  let v = value.normalize("NFC").replace(/\r\n?|[\u2028\u2029]/g, "\n");
  // eslint-disable-next-line no-control-regex
  v = v.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, " ");
  if (!multiline) v = v.replace(/\n/g, " ").replace(/\s+/g, " ");
  else
    v = v
      .split("\n")
      .map((line) => line.replace(/[ \t]+$/g, ""))
      .join("\n")
      .replace(/\n{3,}/g, "\n\n");
  return v.trim();
}

const placeholderPattern = /\{([^{}\s]{1,40})\}/g;

/** The placeholders written in `text` ({name}), in order, repeated ones once. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(placeholderPattern)].map((m) => m[1]))];
}

/**
 * Checks and cleans one language's texts. An empty or missing text means the default (null).
 * 422 `notification_placeholder_missing` when a required placeholder is gone,
 * `notification_placeholder_unknown` for any other {name} (e.g. {subject}: message content is
 * never available), 400 `validation_error` when a text is too long or a sender name has an address.
 */
export function validateTexts(input: Partial<Record<TextField, string | null>>): Texts {
  const out = {} as Texts;
  for (const field of textFields) {
    const rule = fieldRules[field];
    const raw = input[field];
    const value = raw === null || raw === undefined ? "" : cleanText(raw, rule.multiline);
    if (value === "") {
      out[field] = null;
      continue;
    }
    if (value.length > rule.maxLength)
      throw appError("validation_error", `${field}: at most ${rule.maxLength} characters`);
    if (field === "senderName" && /[<>@"\\]/.test(value))
      throw appError("validation_error", `${field}: a display name without <, >, @, " or \\`);
    const used = placeholdersIn(value);
    const unknown = used.find((p) => !(rule.allowed as readonly string[]).includes(p));
    if (unknown !== undefined)
      throw appError("notification_placeholder_unknown", `${field}: {${unknown}} is not a placeholder here`, {
        details: { field, placeholder: unknown, allowed: rule.allowed },
      });
    const missing = rule.required.find((p) => !used.includes(p));
    if (missing !== undefined)
      throw appError("notification_placeholder_missing", `${field}: the text must keep {${missing}}`, {
        details: { field, placeholder: missing },
      });
    out[field] = value;
  }
  return out;
}

/** Replaces the field's allowed placeholders with `values` (anything else was refused on save). */
export function fillPlaceholders(text: string, values: Partial<Record<PlaceholderName, string>>): string {
  return text.replace(placeholderPattern, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? (values[name as PlaceholderName] ?? "") : whole,
  );
}

/** Plain text → paragraphs of lines, for the HTML template (which escapes every line). */
export function paragraphs(text: string): string[][] {
  return text.split(/\n{2,}/).map((p) => p.split("\n"));
}

export const emptyTexts = (): Texts => ({
  senderName: null,
  intro: null,
  footer: null,
  smsRecipientCode: null,
  smsIdCheck: null,
});

export function textsOf(row: NotificationText | null | undefined): Texts {
  if (!row) return emptyTexts();
  return {
    senderName: row.senderName,
    intro: row.intro,
    footer: row.footer,
    smsRecipientCode: row.smsRecipientCode,
    smsIdCheck: row.smsIdCheck,
  };
}

/** What the outbox needs to brand one organisation's notifications. */
export interface OrgBranding {
  organisationId: string;
  orgName: string;
  texts: Record<NotificationLocale, Texts>;
  logo: { sha256: string; contentType: string; width: number; height: number } | null;
}

export async function loadBranding(
  organisationId: string | null,
  t?: Transaction,
  organisation?: Pick<Organisation, "name"> | null,
): Promise<OrgBranding | null> {
  if (!organisationId) return null;
  const org =
    organisation !== undefined
      ? organisation
      : await Organisation.findByPk(organisationId, { transaction: t, attributes: ["id", "name"] });
  if (!org) return null;
  const rows = await NotificationText.findAll({ where: { organisationId }, transaction: t });
  const logo = await NotificationLogo.findByPk(organisationId, {
    transaction: t,
    attributes: ["organisationId", "sha256", "contentType", "width", "height"],
  });
  const texts = Object.fromEntries(
    notificationLocales.map((l) => [l, textsOf(rows.find((r) => r.locale === l))]),
  ) as Record<NotificationLocale, Texts>;
  return {
    organisationId,
    orgName: org.name,
    texts,
    logo: logo ? { sha256: logo.sha256, contentType: logo.contentType, width: logo.width, height: logo.height } : null,
  };
}

/** The Content-ID the notification's HTML refers to for the inline logo. */
export function logoCid(sha256: string): string {
  return `logo-${sha256.slice(0, 16)}@kuvert`;
}

/** Shown at most this large in the e-mail (CSS px); the image keeps its aspect ratio. */
const LOGO_SHOWN_MAX_WIDTH = 240;
const LOGO_SHOWN_MAX_HEIGHT = 80;

export function logoShownSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, LOGO_SHOWN_MAX_WIDTH / width, LOGO_SHOWN_MAX_HEIGHT / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The template variables and e-mail options the organisation's texts add to one notification
 * e-mail in `locale`: the custom introduction and footer (as escaped-later paragraphs), the
 * logo's Content-ID and the From display name. Nothing from the message itself goes in: the
 * only values are the sender's name (plainName) and the organisation's name.
 */
export function notificationBranding(
  branding: OrgBranding | null,
  locale: NotificationLocale,
  senderName: string,
  opts: { inlineLogo: boolean } = { inlineLogo: true },
): { vars: Record<string, unknown>; fromName?: string; logo?: { organisationId: string; cid: string } } {
  if (!branding) return { vars: {} };
  const texts = branding.texts[locale];
  const values = {
    sender: plainName(senderName) || plainName(branding.orgName) || "Kuvert",
    organisation: plainName(branding.orgName),
  };
  const vars: Record<string, unknown> = { orgName: branding.orgName };
  if (texts.intro) {
    vars.intro = paragraphs(fillPlaceholders(texts.intro, values));
    vars.introText = fillPlaceholders(texts.intro, values);
  }
  if (texts.footer) {
    vars.footer = paragraphs(fillPlaceholders(texts.footer, values));
    vars.footerText = fillPlaceholders(texts.footer, values);
  }
  let logo: { organisationId: string; cid: string } | undefined;
  if (branding.logo && opts.inlineLogo) {
    const cid = logoCid(branding.logo.sha256);
    vars.logoCid = cid;
    vars.logoSize = logoShownSize(branding.logo.width, branding.logo.height);
    logo = { organisationId: branding.organisationId, cid };
  }
  return { vars, ...(texts.senderName ? { fromName: texts.senderName } : {}), ...(logo ? { logo } : {}) };
}

export type CodeSmsKind = "recipientCode" | "idCheck";

/** The organisation's own code SMS in `locale`, or null for the built-in template. */
export function customCodeSms(
  branding: OrgBranding | null,
  kind: CodeSmsKind,
  locale: NotificationLocale,
  vars: { code: string; minutes: number },
): string | null {
  if (!branding) return null;
  const text = branding.texts[locale][kind === "recipientCode" ? "smsRecipientCode" : "smsIdCheck"];
  if (!text) return null;
  return fillPlaceholders(text, {
    code: vars.code,
    minutes: String(vars.minutes),
    organisation: plainName(branding.orgName),
  });
}
