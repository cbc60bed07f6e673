import type { Transaction } from "sequelize";
import type { SharedMailbox } from "../models/SharedMailbox.js";
import { SharedMailboxMember } from "../models/SharedMailboxMember.js";
import { SharedMailboxKeyWrap } from "../models/SharedMailboxKey.js";
import { createMailboxKeyVersion, orgKeepsEscrow, type WrapTarget } from "../services/keys/mailboxKeys.js";
import { userPublicKey } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { User } from "../models/User.js";
import type { RequestMeta } from "./openMessageForReader.js";

export type RemoveMailboxMemberResult = { kind: "removed"; keyVersion: number } | { kind: "not_found" };

/**
 * Removes a member from a shared mailbox (F25): their membership and every wrap of the mailbox
 * key they held are deleted at once, and the mailbox gets a new key version wrapped for the
 * remaining members only (escrowed unless zero-access) and published as its public key — so
 * later messages are encrypted to a key the former member never held. Earlier messages stay
 * readable to the remaining members through their wraps of the older versions. Audited.
 * `mailbox` must have been loaded in `t` with a row lock.
 */
export async function removeMailboxMember(
  t: Transaction,
  props: { actor: User; mailbox: SharedMailbox; userId: string; meta: RequestMeta },
): Promise<RemoveMailboxMemberResult> {
  const { mailbox } = props;
  const member = await SharedMailboxMember.findOne({
    where: { mailboxId: mailbox.id, userId: props.userId },
    transaction: t,
  });
  if (!member) return { kind: "not_found" };
  await member.destroy({ transaction: t });
  await SharedMailboxKeyWrap.destroy({ where: { mailboxId: mailbox.id, userId: props.userId }, transaction: t });

  const remaining = await SharedMailboxMember.findAll({ where: { mailboxId: mailbox.id }, transaction: t });
  const users = await User.findAll({ where: { id: remaining.map((m) => m.userId) }, transaction: t });
  const targets: WrapTarget[] = [];
  for (const u of users) {
    const publicKey = await userPublicKey(u);
    if (publicKey) targets.push({ userId: u.id, publicKey });
  }
  const version = mailbox.keyVersion + 1;
  await createMailboxKeyVersion(t, mailbox.id, version, await orgKeepsEscrow(t, mailbox.organisationId), targets);
  await mailbox.update({ keyVersion: version }, { transaction: t });
  await recordAudit(t, {
    type: "mailbox.member_removed",
    organisationId: mailbox.organisationId,
    actorId: props.actor.id,
    userId: props.userId,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { mailboxId: mailbox.id, keyVersion: version },
  });
  return { kind: "removed", keyVersion: version };
}
