import type { Transaction } from "sequelize";
import { Organisation } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";
import type { MessageOptions } from "./content.js";
import { parseSubjectRule, type OrgSubjectRule } from "#shared/subjectWarning.js";

export const optionNames = [
  "idCheck",
  "burnAfterReading",
  "eyesOnly",
  "readReceipt",
  "notify",
  "hideRecipients",
] as const;
export type OptionName = (typeof optionNames)[number];

/**
 * The organisation's message policy (F4, F24), stored in organisations.policy.messages:
 * `{ defaults?: { idCheck?: true, ... }, forced?: ["idCheck", ...], defaultExpiryDays?: 30 }`.
 * Defaults apply to options the sender leaves out; forced options are on whatever is asked.
 * `organisations.policy.subjectInNotifications` (read by sendMessage) allows the real subject
 * in notification e-mails.
 */
export interface MessagePolicy {
  defaults: Partial<Record<OptionName, boolean>>;
  forced: OptionName[];
  defaultExpiryDays: number | null;
  /** Longest a message may live (days); a later or missing expiry is shortened to it. */
  longestExpiryDays: number | null;
}

const builtIn: Record<OptionName, boolean> = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
};

/** Reads the policy defensively: unknown or malformed members are ignored. */
export function parseMessagePolicy(raw: unknown): MessagePolicy {
  const p = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const defaults: Partial<Record<OptionName, boolean>> = {};
  const d = (typeof p.defaults === "object" && p.defaults !== null ? p.defaults : {}) as Record<string, unknown>;
  for (const name of optionNames) if (typeof d[name] === "boolean") defaults[name] = d[name] as boolean;
  const forced = Array.isArray(p.forced) ? optionNames.filter((n) => (p.forced as unknown[]).includes(n)) : [];
  const dayCount = (v: unknown): number | null =>
    typeof v === "number" && Number.isInteger(v) && v > 0 && v <= 3650 ? v : null;
  return {
    defaults,
    forced,
    defaultExpiryDays: dayCount(p.defaultExpiryDays),
    longestExpiryDays: dayCount(p.longestExpiryDays),
  };
}

export async function messagePolicyFor(t: Transaction, user: User): Promise<MessagePolicy> {
  if (!user.organisationId) return parseMessagePolicy(null);
  const org = await Organisation.findByPk(user.organisationId, { attributes: ["id", "policy"], transaction: t });
  return parseMessagePolicy(org?.policy.messages);
}

/** The subject rule of `user`'s organisation (F24); warn without keywords for users without one. */
export async function subjectRuleFor(t: Transaction, user: User): Promise<OrgSubjectRule> {
  if (!user.organisationId) return parseSubjectRule(null);
  const org = await Organisation.findByPk(user.organisationId, { attributes: ["id", "policy"], transaction: t });
  return parseSubjectRule(org?.policy.subjectRule);
}

/**
 * The options a message is sent with: asked for → org default → built-in default; forced ones
 * on. With a longest expiry, an expiry asked for beyond it (or none at all) becomes the longest.
 */
export function applyMessagePolicy(
  policy: MessagePolicy,
  requested: Partial<Record<OptionName, boolean>> & { expiresAt?: Date | null },
  now = new Date(),
): MessageOptions {
  const out = {} as Record<OptionName, boolean>;
  for (const name of optionNames)
    out[name] = policy.forced.includes(name) ? true : (requested[name] ?? policy.defaults[name] ?? builtIn[name]);
  const day = 24 * 60 * 60 * 1000;
  let expiresAt =
    requested.expiresAt ?? (policy.defaultExpiryDays ? new Date(now.getTime() + policy.defaultExpiryDays * day) : null);
  if (policy.longestExpiryDays) {
    const longest = new Date(now.getTime() + policy.longestExpiryDays * day);
    if (!expiresAt || expiresAt > longest) expiresAt = longest;
  }
  return { ...out, expiresAt };
}
