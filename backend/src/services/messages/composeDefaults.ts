import type { Transaction } from "sequelize";
import type { User } from "../../models/User.js";
import { Organisation } from "../../models/Organisation.js";
import { UserSettings } from "../../models/UserSettings.js";
import { applyMessagePolicy, messagePolicyFor, type OptionName } from "./orgPolicy.js";

export interface OptionDefaults {
  /** What a new message starts with for each security function (org default, else built-in). */
  defaults: Record<OptionName, boolean>;
  /** Always on by organisation policy. */
  forced: OptionName[];
  defaultExpiryDays: number | null;
}

export interface ComposeDefaults extends OptionDefaults {
  /** The personal signature, else the organisation's default (policy.signature), else null. */
  signature: string | null;
}

/** The organisation's defaults and forced security functions for a new message of `user` (F4). */
export async function messageOptionDefaults(t: Transaction, user: User): Promise<OptionDefaults> {
  const policy = await messagePolicyFor(t, user);
  const { expiresAt: _unused, ...defaults } = applyMessagePolicy(policy, {});
  void _unused;
  return { defaults, forced: policy.forced, defaultExpiryDays: policy.defaultExpiryDays };
}

/** The org's default signature: organisations.policy.signature, when it is a non-empty string. */
function orgSignature(policy: Record<string, unknown> | undefined): string | null {
  const s = policy?.signature;
  return typeof s === "string" && s.trim() ? s : null;
}

/** What the web composer starts from (F4, F5): option defaults, forced functions and the signature to offer. */
export async function composeDefaultsFor(t: Transaction, user: User): Promise<ComposeDefaults> {
  const options = await messageOptionDefaults(t, user);
  const settings = await UserSettings.findByPk(user.id, { attributes: ["userId", "signature"], transaction: t });
  const org = user.organisationId
    ? await Organisation.findByPk(user.organisationId, { attributes: ["id", "policy"], transaction: t })
    : null;
  const personal = settings?.signature?.trim() ? settings.signature : null;
  return { ...options, signature: personal ?? orgSignature(org?.policy) };
}
