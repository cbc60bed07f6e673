import type { Transaction } from "sequelize";
import type jose from "node-jose";
import { User, normaliseEmail } from "../../models/User.js";
import { Contact } from "../../models/Contact.js";
import { appError } from "../../errors.js";
import { parsePhone } from "../phones.js";
import { createUserKeys, userPublicKey } from "../keys/userKeys.js";
import { recordAudit } from "../audit/recordAudit.js";
import { PlanReplyOnlyError } from "./plans.js";

export interface RecipientInput {
  email: string;
  mobile?: string | null;
}

export interface ResolvedRecipient {
  email: string;
  user: User;
  publicKey: jose.JWK.Key;
  /** The mobile to verify this recipient with: given now, from the sender's contacts, or the user's. */
  mobile: string | null;
}

export interface ResolveOptions {
  /** Basic senders may only address people who already exist (reply only). */
  mayCreatePending: boolean;
  ip?: string | null;
}

/**
 * Finds each recipient's user and public key (F3). An unknown address becomes a pending
 * identity (role recipient, status pending, escrowed key pair) when a mobile number is known:
 * given in the request or from the sender's contacts. Unknown addresses without one fail
 * together with 422 `mobile_required` listing them. Given mobiles are remembered as (unverified)
 * contacts of the sender, so the sender is not asked again.
 */
export async function resolveRecipients(
  t: Transaction,
  sender: User,
  inputs: RecipientInput[],
  opts: ResolveOptions,
): Promise<ResolvedRecipient[]> {
  const byEmail = new Map<string, RecipientInput>();
  for (const input of inputs) {
    const email = normaliseEmail(input.email);
    const prev = byEmail.get(email);
    byEmail.set(email, { email, mobile: input.mobile || prev?.mobile || null });
  }
  const invalidMobile: string[] = [];
  for (const input of byEmail.values()) {
    if (!input.mobile) continue;
    const parsed = parsePhone(input.mobile, "SE");
    if (!parsed) invalidMobile.push(input.email);
    else input.mobile = parsed.e164;
  }
  if (invalidMobile.length) {
    throw appError("invalid_mobile", "A mobile number is not valid; use international form, e.g. +46701234567", {
      details: { recipients: invalidMobile },
    });
  }

  const emails = [...byEmail.keys()];
  const users = new Map((await User.findAll({ where: { email: emails }, transaction: t })).map((u) => [u.email, u]));
  const contacts = new Map(
    (await Contact.findAll({ where: { ownerId: sender.id, email: emails }, transaction: t })).map((c) => [c.email, c]),
  );

  const missing: string[] = [];
  for (const email of emails) {
    const known = users.get(email);
    if (known && known.status !== "deactivated") continue;
    if (!byEmail.get(email)!.mobile && !contacts.get(email)?.mobile) missing.push(email);
  }
  if (missing.length) {
    throw appError("mobile_required", "A mobile number is needed for recipients who are new to Kuvert", {
      details: { recipients: missing },
    });
  }

  const out: ResolvedRecipient[] = [];
  for (const email of emails) {
    const input = byEmail.get(email)!;
    let user = users.get(email);
    if (user?.status === "deactivated") {
      throw appError("recipient_unavailable", "A recipient's account is deactivated", {
        details: { recipients: [email] },
      });
    }
    if (!user) {
      if (!opts.mayCreatePending) throw PlanReplyOnlyError();
      user = await User.create(
        {
          organisationId: null,
          email,
          mobile: input.mobile ?? contacts.get(email)?.mobile ?? null,
          name: null,
          role: "recipient",
          status: "pending",
          plan: "basic",
          locale: sender.locale,
        },
        { transaction: t },
      );
      await createUserKeys(t, user, null);
      await recordAudit(t, {
        type: "user.pending_created",
        userId: user.id,
        actorId: sender.id,
        organisationId: sender.organisationId,
        ip: opts.ip ?? null,
        data: { role: "recipient" },
      });
    } else if (user.status === "pending" && input.mobile && input.mobile !== user.mobile && !user.mobile) {
      await user.update({ mobile: input.mobile }, { transaction: t });
    }
    if (input.mobile) await rememberContact(t, sender, email, input.mobile, contacts.get(email));
    let publicKey = await userPublicKey(user);
    if (!publicKey) {
      await createUserKeys(t, user, null);
      publicKey = (await userPublicKey(user))!;
    }
    out.push({ email, user, publicKey, mobile: input.mobile ?? contacts.get(email)?.mobile ?? user.mobile });
  }
  return out;
}

async function rememberContact(
  t: Transaction,
  sender: User,
  email: string,
  mobile: string,
  existing: Contact | undefined,
): Promise<void> {
  if (!existing) {
    await Contact.create({ ownerId: sender.id, email, name: null, mobile, verified: false }, { transaction: t });
  } else if (existing.mobile !== mobile && !existing.verified) {
    await existing.update({ mobile }, { transaction: t });
  }
}
