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
