import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { effectivePlan } from "../services/messages/plans.js";
import {
  resolveRecipients,
  type RecipientInput,
  type ResolvedRecipient,
} from "../services/messages/resolveRecipients.js";

/**
 * The add-in's key lookup before it encrypts (F3): every recipient's user and public key. Unknown
 * addresses become pending recipients (with a mobile number) unless the sender is on the Basic
 * plan, which may not address new people (403 plan_reply_only).
 */
export async function lookupRecipientKeys(
  t: Transaction,
  sender: User,
  recipients: RecipientInput[],
  ip: string | null,
): Promise<ResolvedRecipient[]> {
  const mayCreatePending = (await effectivePlan(t, sender)) !== "basic";
  return resolveRecipients(t, sender, recipients, { mayCreatePending, ip });
}
