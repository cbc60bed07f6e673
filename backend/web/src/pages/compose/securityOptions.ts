import type { SecurityOptions } from "../../api/messages.js";

/** The seven security functions (F4), in the order the composer shows them; expiry is the seventh. */
export const toggleKeys = [
  "idCheck",
  "readReceipt",
  "notify",
  "hideRecipients",
  "burnAfterReading",
  "eyesOnly",
] as const;
export type ToggleKey = (typeof toggleKeys)[number];

/** Defaults when the organisation sets none: notify on, the rest off. */
export const defaultOptions: SecurityOptions = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

/** Addresses typed into the To field: separated by commas, semicolons, spaces or new lines. */
export function splitAddresses(value: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of value.split(/[\s,;]+/)) {
    const email = part.trim().replace(/^<|>$/g, "");
    if (!email || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    out.push(email);
  }
  return out;
}
