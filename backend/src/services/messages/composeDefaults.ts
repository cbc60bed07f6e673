import type { Transaction } from "sequelize";
import type { User } from "../../models/User.js";
import { UserSettings } from "../../models/UserSettings.js";
import { signatureForSender } from "../signatures/orgSignature.js";
import { applyMessagePolicy, messagePolicyFor, subjectRuleFor, type OptionName } from "./orgPolicy.js";
import type { OrgSubjectRule } from "#shared/subjectWarning.js";

export interface OptionDefaults {
  /** What a new message starts with for each security function (org default, else built-in). */
  defaults: Record<OptionName, boolean>;
  /** Always on by organisation policy. */
  forced: OptionName[];
  defaultExpiryDays: number | null;
}

export interface ComposeDefaults extends OptionDefaults {
  /** The personal signature, else the organisation signature in default mode (as text), else null. */
  signature: string | null;
  /** The organisation's mandatory signature, rendered for the sender, with its version; else null. */
  mandatorySignature: { version: number; html: string; text: string } | null;
  /** The organisation's subject rule (F24): the composer warns, or with forbid refuses to send. */
  subjectRule: OrgSubjectRule;
}

/** The organisation's defaults and forced security functions for a new message of `user` (F4). */
export async function messageOptionDefaults(t: Transaction, user: User): Promise<OptionDefaults> {
  const policy = await messagePolicyFor(t, user);
  const { expiresAt: _unused, ...defaults } = applyMessagePolicy(policy, {});
  void _unused;
  return { defaults, forced: policy.forced, defaultExpiryDays: policy.defaultExpiryDays };
}

/**
 * What the web composer starts from (F4, F5): option defaults, forced functions and the signature
 * to offer. `sender` is whom the message goes out as: a shared mailbox the user sends as gets the
 * organisation signature rendered for the mailbox (the user's own signature is still offered).
 */
export async function composeDefaultsFor(t: Transaction, user: User, sender: User = user): Promise<ComposeDefaults> {
  const options = await messageOptionDefaults(t, sender);
  const settings = await UserSettings.findByPk(user.id, { attributes: ["userId", "signature"], transaction: t });
  const org = await signatureForSender(t, sender);
  const subjectRule = await subjectRuleFor(t, sender);
  const personal = settings?.signature?.trim() ? settings.signature : null;
  if (org?.signature.mode === "mandatory")
    return {
      ...options,
      signature: personal,
      mandatorySignature: { version: org.signature.version, ...org.rendered },
      subjectRule,
    };
  return { ...options, signature: personal ?? (org?.rendered.text || null), mandatorySignature: null, subjectRule };
}
