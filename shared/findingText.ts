/** What a sensitivity finding is, in words, in Swedish and English (alerts and warnings). */
import type { SensitivityFinding } from "./sensitivity.js";

export type Lang = "sv" | "en";

/** "sv" for a Swedish UI language ("sv-SE", "sv-FI"), otherwise "en". */
export function languageOf(displayLanguage: string): Lang {
  return displayLanguage.toLowerCase().startsWith("sv") ? "sv" : "en";
}

const words = {
  sv: {
    more: (n: number) => `och ${n} till`,
    kind: {
      personal_identity_number: "ett personnummer",
      coordination_number: "ett samordningsnummer",
      keyword: (k: string) => `ordet ”${k.replace(/\*/g, "")}”`,
    },
    where: {
      subject: "i ämnesraden",
      body: "i texten",
      attachment_name: (name: string) => `i bilagans namn ”${name}”`,
    },
  },
  en: {
    more: (n: number) => `and ${n} more`,
    kind: {
      personal_identity_number: "a personal identity number",
      coordination_number: "a coordination number",
      keyword: (k: string) => `the word “${k.replace(/\*/g, "")}”`,
    },
    where: {
      subject: "in the subject",
      body: "in the text",
      attachment_name: (name: string) => `in the attachment name “${name}”`,
    },
  },
} as const;

/** One finding in words, e.g. "ett personnummer i ämnesraden"; without the place if `withPlace` is false. */
export function describeFinding(f: SensitivityFinding, lang: Lang, withPlace = true): string {
  const w = words[lang];
  const what = f.kind === "keyword" ? w.kind.keyword(f.match) : w.kind[f.kind];
  if (!withPlace) return what;
  const where =
    f.location === "attachment_name" ? w.where.attachment_name(f.attachmentName ?? "") : w.where[f.location];
  return `${what} ${where}`;
}

/** Up to `max` distinct findings, comma-separated, with "and N more". */
export function listFindings(
  findings: SensitivityFinding[],
  lang: Lang,
  opts: { max?: number; withPlace?: boolean } = {},
): string {
  const max = opts.max ?? 3;
  const unique = [...new Set(findings.map((f) => describeFinding(f, lang, opts.withPlace ?? true)))];
  const rest = unique.length > max ? ` ${words[lang].more(unique.length - max)}` : "";
  return `${unique.slice(0, max).join(", ")}${rest}`;
}
