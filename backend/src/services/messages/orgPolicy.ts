import type { Transaction } from "sequelize";
import { Organisation } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";
import type { MessageOptions } from "./content.js";

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
  const days =
    typeof p.defaultExpiryDays === "number" &&
    Number.isInteger(p.defaultExpiryDays) &&
    p.defaultExpiryDays > 0 &&
    p.defaultExpiryDays <= 3650
      ? p.defaultExpiryDays
      : null;
  return { defaults, forced, defaultExpiryDays: days };
}

export async function messagePolicyFor(t: Transaction, user: User): Promise<MessagePolicy> {
  if (!user.organisationId) return parseMessagePolicy(null);
  const org = await Organisation.findByPk(user.organisationId, { attributes: ["id", "policy"], transaction: t });
  return parseMessagePolicy(org?.policy.messages);
}

/** The options a message is sent with: asked for → org default → built-in default; forced ones on. */
export function applyMessagePolicy(
  policy: MessagePolicy,
  requested: Partial<Record<OptionName, boolean>> & { expiresAt?: Date | null },
  now = new Date(),
): MessageOptions {
  const out = {} as Record<OptionName, boolean>;
  for (const name of optionNames)
    out[name] = policy.forced.includes(name) ? true : (requested[name] ?? policy.defaults[name] ?? builtIn[name]);
  const expiresAt =
    requested.expiresAt ??
    (policy.defaultExpiryDays ? new Date(now.getTime() + policy.defaultExpiryDays * 24 * 60 * 60 * 1000) : null);
  return { ...out, expiresAt };
}
