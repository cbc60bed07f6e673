/**
 * F2: the subject travels in plain e-mail (the notification keeps a neutral subject, but the
 * user's own subject is what they type first). Warn about — or, by org policy, forbid —
 * subjects that look like personal data. Pure: the compose pane and the web composer show
 * the result.
 */
import { checkSubject, type SensitivityFinding } from "./sensitivity.js";
import { listFindings, type Lang } from "./findingText.js";

export interface SubjectRule {
  /** "warn" (default): show a warning; "forbid": sending securely is blocked until fixed; "off". */
  mode: "warn" | "forbid" | "off";
  /** Organisation keywords, added to the built-in list. */
  keywords?: readonly string[];
}

export interface SubjectCheck {
  level: "ok" | "warn" | "forbid";
  findings: SensitivityFinding[];
  /** For the user, in their language; null when level is ok. */
  message: string | null;
}

const texts = {
  sv: {
    warn: (what: string) =>
      `Ämnesraden syns utanför det säkra meddelandet och ser ut att innehålla ${what}. Skriv ett ämne utan personuppgifter.`,
    forbid: (what: string) =>
      `Ämnesraden ser ut att innehålla ${what}. Din organisation tillåter inte personuppgifter i ämnesraden: ändra ämnet för att kunna skicka.`,
  },
  en: {
    warn: (what: string) =>
      `The subject is visible outside the secure message and seems to contain ${what}. Use a subject without personal data.`,
    forbid: (what: string) =>
      `The subject seems to contain ${what}. Your organisation does not allow personal data in the subject: change it to send.`,
  },
} as const;

/** Checks `subject` under the organisation's rule. */
export function checkSubjectRule(
  subject: string,
  rule: SubjectRule = { mode: "warn" },
  lang: Lang = "sv",
): SubjectCheck {
  if (rule.mode === "off") return { level: "ok", findings: [], message: null };
  const { findings } = checkSubject(subject, { extraKeywords: rule.keywords });
  if (findings.length === 0) return { level: "ok", findings, message: null };
  const what = listFindings(findings, lang, { withPlace: false });
  return rule.mode === "forbid"
    ? { level: "forbid", findings, message: texts[lang].forbid(what) }
    : { level: "warn", findings, message: texts[lang].warn(what) };
}

export const subjectRuleModes = ["warn", "forbid", "off"] as const;
export type SubjectRuleMode = (typeof subjectRuleModes)[number];

/** The organisation's subject rule as stored and delivered (issue 10, *Policies*). */
export interface OrgSubjectRule {
  mode: SubjectRuleMode;
  keywords: string[];
}

export const subjectRuleLimits = { keywords: 200, keywordLength: 100 } as const;

/** Reads a stored or delivered rule defensively: default warn without keywords; anything malformed is left out. */
export function parseSubjectRule(raw: unknown): OrgSubjectRule {
  const r = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const mode: SubjectRuleMode = r.mode === "forbid" || r.mode === "off" ? r.mode : "warn";
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const k of Array.isArray(r.keywords) ? r.keywords : []) {
    if (typeof k !== "string") continue;
    const word = k.trim();
    if (!word || word.length > subjectRuleLimits.keywordLength || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    keywords.push(word);
    if (keywords.length === subjectRuleLimits.keywords) break;
  }
  return { mode, keywords };
}
