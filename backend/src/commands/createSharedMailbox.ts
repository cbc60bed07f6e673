import type { Transaction } from "sequelize";
import { User, normaliseEmail } from "../models/User.js";
import { SharedMailbox } from "../models/SharedMailbox.js";
import { SharedMailboxMember } from "../models/SharedMailboxMember.js";
import { mayBeMailboxMember } from "../policies/sharedMailboxes.js";
import { createMailboxKeyVersion, orgKeepsEscrow, type WrapTarget } from "../services/keys/mailboxKeys.js";
import { userPublicKey } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import type { RequestMeta } from "./openMessageForReader.js";

export interface MailboxMemberInput {
  userId: string;
  send: boolean;
  manage: boolean;
}

export interface CreateSharedMailboxProps {
  admin: User;
  organisationId: string;
  name: string;
  email: string;
  members: MailboxMemberInput[];
  meta: RequestMeta;
}

export type CreateSharedMailboxResult =
  { kind: "created"; mailbox: SharedMailbox; identity: User } | { kind: "address_taken" } | { kind: "member_invalid" };

/**
 * Creates a shared mailbox (F25): its identity user (role `mailbox`, the address as e-mail, no
 * password, never signs in), key version 1 — escrowed unless the organisation is zero-access,
 * wrapped for every initial member — and the members with their rights. Audited.
 */
export async function createSharedMailbox(
  t: Transaction,
  props: CreateSharedMailboxProps,
): Promise<CreateSharedMailboxResult> {
  const email = normaliseEmail(props.email);
  if (await User.findOne({ where: { email }, transaction: t, attributes: ["id"] })) return { kind: "address_taken" };

  const targets: Array<WrapTarget & MailboxMemberInput> = [];
  for (const input of props.members) {
    const user = await User.findByPk(input.userId, { transaction: t });
    const publicKey = user ? await userPublicKey(user) : null;
    if (!user || !publicKey || !mayBeMailboxMember({ organisationId: props.organisationId }, user)) {
      return { kind: "member_invalid" };
    }
    if (!targets.some((x) => x.userId === user.id)) targets.push({ ...input, publicKey });
  }

  const identity = await User.create(
    {
      organisationId: props.organisationId,
      email,
      name: props.name,
      mobile: null,
      role: "mailbox",
      status: "active",
      locale: props.admin.locale,
    },
    { transaction: t },
  );
  const mailbox = await SharedMailbox.create(
    { id: identity.id, organisationId: props.organisationId, name: props.name, keyVersion: 1 },
    { transaction: t },
  );
  for (const target of targets) {
    await SharedMailboxMember.create(
      { mailboxId: mailbox.id, userId: target.userId, canRead: true, canSend: target.send, canManage: target.manage },
      { transaction: t },
    );
  }
  const escrow = await orgKeepsEscrow(t, props.organisationId);
  await createMailboxKeyVersion(t, mailbox.id, 1, escrow, targets);
  await identity.reload({ transaction: t });
  await recordAudit(t, {
    type: "mailbox.created",
    organisationId: props.organisationId,
    actorId: props.admin.id,
    userId: identity.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { mailboxId: mailbox.id, members: targets.length, escrow },
  });
  return { kind: "created", mailbox, identity };
}
