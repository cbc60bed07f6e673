/**
 * Does this text look like it carries personal data that must not travel in plain e-mail?
 * Shared by the subject warning (F2) and the Smart Alerts OnMessageSend check. Pure functions:
 * no Office, no DOM, no network, so the same code runs in the task pane, the launch-event
 * runtime and Node tests.
 *
 * Detects:
 * - Swedish personal identity numbers (personnummer) and coordination numbers
 *   (samordningsnummer: day + 60): 10 or 12 digits, with or without a -/+ separator, a real
 *   calendar date and a correct Luhn check digit;
 * - health and social-care words in Swedish and English, extendable per organisation;
 * - the same in attachment file names.
 */

export type IdentityNumberKind = "personal_identity_number" | "coordination_number";
export type SensitivityKind = IdentityNumberKind | "keyword";
export type SensitivityLocation = "subject" | "body" | "attachment_name";

export interface IdentityNumber {
  kind: IdentityNumberKind;
  /** The ten digits YYMMDDNNNC that the check digit is computed over. */
  digits: string;
  /** Shown to the user: the date part and a hidden serial, e.g. "850709-****". */
  masked: string;
}

export interface IdentityNumberMatch extends IdentityNumber {
  index: number;
  length: number;
}

export interface SensitivityFinding {
  kind: SensitivityKind;
  location: SensitivityLocation;
  /** For numbers the masked form; for keywords the keyword entry that matched. */
  match: string;
  /** Set when location is attachment_name. */
  attachmentName?: string;
}

export interface SensitivityReport {
  sensitive: boolean;
  findings: SensitivityFinding[];
}

export interface SensitivityOptions {
  /** Organisation keywords added to the built-in list (same syntax: `*` = any letters there). */
  extraKeywords?: readonly string[];
  /** Replace the built-in list instead of extending it. */
  keywords?: readonly string[];
}

/**
 * Built-in keywords. `*` at the start or end stands for any letters, so Swedish compounds and
 * inflections match ("*sjukdom*" matches "hjärtsjukdomen"); without it the whole word must match.
 * Chosen to avoid everyday words ("behandling", "remiss", "beroende" are left out on purpose).
 */
export const defaultKeywords: readonly string[] = [
  // Swedish: health
  "*diagnos*",
  "patientjournal*",
  "journalanteckning*",
  "journalkopi*",
  "journalutdrag*",
  "vårdjournal*",
  "sjukskriv*",
  "sjukintyg*",
  "läkarintyg*",
  "*sjukdom*",
  "*psykiatri*",
  "psykisk*",
  "psykos*",
  "depression*",
  "diabetes",
  "*cancer*",
  "hiv",
  "aids",
  "graviditet*",
  "gravid",
  "abort*",
  "epikris*",
  "provsvar*",
  "labbsvar*",
  "hälsotillstånd*",
  "medicinering*",
  "behandlingsplan*",
  "vårdplan*",
  "självmord*",
  "suicid*",
  "funktionsnedsättning*",
  // Swedish: social care and protected data
  "*missbruk*",
  "alkoholberoende*",
  "drogberoende*",
  "*narkotika*",
  "orosanmälan*",
  "socialtjänst*",
  "socialsekreterare*",
  "ekonomiskt bistånd*",
  "försörjningsstöd*",
  "lvu",
  "lvm",
  "lss",
  "vårdnadsutredning*",
  "umgängesutredning*",
  "barnavårdsutredning*",
  "familjehem*",
  "våld i nära relation*",
  "skyddad identitet",
  "skyddade personuppgifter",
  "sekretessmarkering*",
  // English
  "diagnos*",
  "medical record*",
  "patient record*",
  "health record*",
  "sick leave",
  "sick note*",
  "illness*",
  "psychiatr*",
  "mental health",
  "*cancer*",
  "pregnan*",
  "abortion*",
  "substance abuse",
  "drug abuse",
  "addiction*",
  "alcoholism",
  "social services",
  "social worker*",
  "child protection",
  "child welfare",
  "safeguarding",
  "welfare benefit*",
  "disabilit*",
  "protected identity",
  "discharge summary",
  "blood test*",
  "medication*",
  "prescription*",
  "treatment plan*",
  "care plan*",
  "self-harm",
  "health condition*",
  "medical condition*",
];

// ---------------------------------------------------------------- identity numbers

/** Luhn (mod 10) check over a string of digits whose last digit is the check digit. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Hyphen-like characters Word and Outlook put in place of "-" (autocorrect). */
const dash = "\\-\\u2010\\u2011\\u2012\\u2013\\u2014\\u2212";
// No lookbehind or \p{…}: the event runtime of classic Outlook on Windows may not have them.
// Group 1 is the character before the number (or nothing at the start).
const numberPattern = new RegExp(
  `(^|[^\\d${dash}+])(\\d{2})?(\\d{2})(\\d{2})(\\d{2})([${dash}+]?)(\\d{4})(?![\\d])`,
  "g",
);

function interpret(
  century: string | undefined,
  yy: string,
  mm: string,
  dd: string,
  serial: string,
): IdentityNumber | null {
  const month = Number(mm);
  let day = Number(dd);
  let kind: IdentityNumberKind = "personal_identity_number";
  if (day > 60) {
    kind = "coordination_number";
    day -= 60;
  }
  if (month < 1 || month > 12 || day < 1) return null;
  const years = century !== undefined ? [Number(century + yy)] : [1900 + Number(yy), 2000 + Number(yy)];
  if (century !== undefined && !["18", "19", "20"].includes(century)) return null;
  if (!years.some((y) => day <= daysInMonth(y, month))) return null;
  const digits = `${yy}${mm}${dd}${serial}`;
  if (!luhnValid(digits)) return null;
  return { kind, digits, masked: `${yy}${mm}${dd}-****` };
}

/**
 * Parses one personal identity or coordination number ("YYMMDD-NNNC", "YYYYMMDDNNNC", …).
 * Returns null when it is not a valid one (bad date or check digit).
 */
export function parseIdentityNumber(value: string): IdentityNumber | null {
  const m = new RegExp(`^(\\d{2})?(\\d{2})(\\d{2})(\\d{2})[${dash}+]?(\\d{4})$`).exec(value.trim());
  return m ? interpret(m[1], m[2], m[3], m[4], m[5]) : null;
}

/** Every valid personal identity or coordination number in `text`. */
export function findIdentityNumbers(text: string): IdentityNumberMatch[] {
  const found: IdentityNumberMatch[] = [];
  const re = new RegExp(numberPattern.source, "g");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const id = interpret(m[2], m[3], m[4], m[5], m[7]);
    if (id) found.push({ ...id, index: m.index + m[1].length, length: m[0].length - m[1].length });
  }
  return found;
}

// ---------------------------------------------------------------- keywords

export interface KeywordMatcher {
  readonly entries: readonly { keyword: string; pattern: RegExp }[];
}

/** Letters and digits of Swedish, English and other Latin-script text (lower case after normalise). */
const wordChars = "0-9a-z\\u00c0-\\u024f";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function normalise(text: string): string {
  return text.normalize("NFC").toLocaleLowerCase("sv");
}

/** Compiles keyword entries (see defaultKeywords for the syntax) into matchers. */
export function compileKeywords(keywords: readonly string[]): KeywordMatcher {
  const entries: { keyword: string; pattern: RegExp }[] = [];
  const seen = new Set<string>();
  for (const raw of keywords) {
    const keyword = normalise(raw.trim());
    if (!keyword || keyword.replace(/\*/g, "").length < 2 || seen.has(keyword)) continue;
    seen.add(keyword);
    const leading = keyword.startsWith("*");
    const trailing = keyword.endsWith("*");
    const core = keyword.replace(/^\*+|\*+$/g, "");
    const body = core
      .split(/[\s_]+/)
      .map((w) => escapeRegExp(w))
      .join("[\\s_.\\-]+");
    const before = leading ? "" : `(?:^|[^${wordChars}])`;
    const after = trailing ? "" : `(?![${wordChars}])`;
    entries.push({ keyword: raw.trim(), pattern: new RegExp(`${before}${body}${after}`) });
  }
  return { entries };
}

let defaultMatcher: KeywordMatcher | undefined;

function matcherFor(options: SensitivityOptions): KeywordMatcher {
  if (!options.keywords && !options.extraKeywords?.length) return (defaultMatcher ??= compileKeywords(defaultKeywords));
  return compileKeywords([...(options.keywords ?? defaultKeywords), ...(options.extraKeywords ?? [])]);
}

/** The keyword entries found in `text` (each at most once). */
export function findKeywords(text: string, matcher: KeywordMatcher | SensitivityOptions = {}): string[] {
  const m = "entries" in matcher ? matcher : matcherFor(matcher);
  const haystack = normalise(text);
  return m.entries.filter((e) => e.pattern.test(haystack)).map((e) => e.keyword);
}

// ---------------------------------------------------------------- HTML bodies

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", shy: "" };
const blockTags = /^(br|p|div|td|th|tr|li|ul|ol|table|h[1-6]|blockquote|hr|pre|section|article|header|footer)$/i;

/** Plain text of an HTML e-mail body for scanning: no tags, scripts, styles or comments. */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*>/g, (_tag, name: string) => (blockTags.test(name) ? "\n" : ""))
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
      if (ref[0] === "#") {
        const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
      }
      return entities[ref.toLowerCase()] ?? whole;
    });
}

// ---------------------------------------------------------------- reports

/** All findings in one piece of text. */
export function checkText(
  text: string,
  location: SensitivityLocation,
  options: SensitivityOptions = {},
  attachmentName?: string,
): SensitivityFinding[] {
  const extra = attachmentName === undefined ? {} : { attachmentName };
  const numbers = findIdentityNumbers(text).map((n) => ({ kind: n.kind, location, match: n.masked, ...extra }));
  const words = findKeywords(text, options).map((k) => ({ kind: "keyword" as const, location, match: k, ...extra }));
  return [...numbers, ...words];
}

function report(findings: SensitivityFinding[]): SensitivityReport {
  return { sensitive: findings.length > 0, findings };
}

/** F2: does the subject (which travels in plain e-mail) look like it holds personal data? */
export function checkSubject(subject: string, options: SensitivityOptions = {}): SensitivityReport {
  return report(checkText(subject, "subject", options));
}

export interface MessageForCheck {
  subject: string;
  /** HTML body as Outlook gives it; or bodyText. */
  bodyHtml?: string;
  bodyText?: string;
  attachmentNames?: readonly string[];
}

/** Smart Alerts: subject, body and attachment names of a message about to be sent in plain. */
export function checkMessage(message: MessageForCheck, options: SensitivityOptions = {}): SensitivityReport {
  const body = message.bodyText ?? (message.bodyHtml ? htmlToText(message.bodyHtml) : "");
  return report([
    ...checkText(message.subject, "subject", options),
    ...checkText(body, "body", options),
    ...(message.attachmentNames ?? []).reduce<SensitivityFinding[]>(
      (all, name) => all.concat(checkText(name, "attachment_name", options, name)),
      [],
    ),
  ]);
}
