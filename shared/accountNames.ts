/** The languages an account can choose (the web app's and the add-in's `languages` too). */
export const locales = ["sv", "en"] as const;
export type Locale = (typeof locales)[number];

/** Normalises an e-mail address for storage and lookup: trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
