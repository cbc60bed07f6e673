import path from "node:path";
import nunjucks from "nunjucks";
import type { Locale } from "../models/User.js";

import { projectRoot } from "#shared/build/paths.js";

export const templatesDir = path.join(projectRoot, "templates");

// HTML output escapes every variable; plain text (mail text part, SMS) must not.
const htmlEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: true,
});
const textEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir, { noCache: false }), {
  autoescape: false,
  throwOnUndefined: true,
});

/**
 * A user-supplied name (sender, reader, account holder) as plain text for an e-mail: line
 * breaks and other control characters become spaces (a name cannot start lines of its own,
 * e.g. a fake "Log in here:" paragraph), web addresses are removed (mail clients turn them into
 * links in the sender's trusted notification), spaces are collapsed. E-mail addresses stay.
 */
export function plainName(value: unknown): string {
  if (value === null || value === undefined) return "";
  return (
    String(value)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, " ")
      .replace(/\bwww\.\S*/gi, " ")
      // Bare domains (lower-case top-level label, not the domain of an e-mail address).
      .replace(/(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?:\/\S*)?/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

for (const environment of [htmlEnv, textEnv]) environment.addFilter("plainName", plainName);

export type TemplateVars = Record<string, unknown>;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Renders templates/email/<name>.<locale>.{subject,txt,html}.njk */
export function renderEmail(name: string, locale: Locale, vars: TemplateVars): RenderedEmail {
  const base = `email/${name}.${locale}`;
  const ctx = { ...vars, locale };
  return {
    subject: textEnv
      .render(`${base}.subject.njk`, ctx)
      .trim()
      .replace(/[\r\n]+/g, " "),
    text: textEnv.render(`${base}.txt.njk`, ctx).trim() + "\n",
    html: htmlEnv.render(`${base}.html.njk`, ctx),
  };
}

/** Renders templates/sms/<name>.<locale>.txt.njk */
export function renderSms(name: string, locale: Locale, vars: TemplateVars): string {
  return textEnv.render(`sms/${name}.${locale}.txt.njk`, { ...vars, locale }).trim();
}
