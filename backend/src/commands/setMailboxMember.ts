import type { Transaction } from "sequelize";
import type jose from "node-jose";
import { User } from "../models/User.js";
import type { SharedMailbox } from "../models/SharedMailbox.js";
import { SharedMailboxMember } from "../models/SharedMailboxMember.js";
import { SharedMailboxKeyWrap } from "../models/SharedMailboxKey.js";
import { mayBeMailboxMember } from "../policies/sharedMailboxes.js";
import {
  escrowedMailboxKeys,
  memberMailboxKeys,
  orgKeepsEscrow,
  wrapVersionsFor,
} from "../services/keys/mailboxKeys.js";
import { userPublicKey } from "../services/keys/userKeys.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import type { RequestMeta } from "./openMessageForReader.js";

export interface SetMailboxMemberProps {
  /** The admin or managing member who acts. */
  actor: User;
  /** The actor's unlocked private key, or null: opens the actor's own wraps of the mailbox key. */
  actorKey: jose.JWK.Key | null;
  mailbox: SharedMailbox;
  userId: string;
  send: boolean;
  manage: boolean;
  meta: RequestMeta;
}

export type SetMailboxMemberResult =
  | { kind: "ok"; member: SharedMailboxMember; user: User; added: boolean }
  | { kind: "not_found" }
  | { kind: "member_invalid" }
  | { kind: "key_unavailable" };

/**
 * Adds a member to a shared mailbox or changes their rights (F25). A new member gets every key
 * version wrapped to their public key: opened with the actor's own wraps when the actor is a
 * member holding them, otherwise from the mailbox's escrow — which exists only when the
 * organisation is not zero-access. Without either: `key_unavailable` (409). Users outside the
 * mailbox's organisation are `not_found`; recipients, deactivated or invited staff `member_invalid`.
 */
export async function setMailboxMember(t: Transaction, props: SetMailboxMemberProps): Promise<SetMailboxMemberResult> {
  const { mailbox } = props;
  const user = await User.findByPk(props.userId, { transaction: t });
  if (!user || user.organisationId !== mailbox.organisationId) return { kind: "not_found" };
  const publicKey = await userPublicKey(user);
  if (!publicKey || !mayBeMailboxMember(mailbox, user)) return { kind: "member_invalid" };

  const existing = await SharedMailboxMember.findOne({
    where: { mailboxId: mailbox.id, userId: user.id },
    transaction: t,
  });
  const hasCurrent = existing
    ? !!(await SharedMailboxKeyWrap.findOne({
        where: { mailboxId: mailbox.id, userId: user.id, version: mailbox.keyVersion },
        transaction: t,
      }))
    : false;
  let keySource: "member" | "escrow" | null = null;
  if (!hasCurrent) {
    let keys = props.actorKey ? await memberMailboxKeys(mailbox.id, props.actor.id, props.actorKey, t) : new Map();
    keySource = "member";
    if (!keys.has(mailbox.keyVersion) && (await orgKeepsEscrow(t, mailbox.organisationId))) {
      keys = new Map([...(await escrowedMailboxKeys(t, mailbox.id)), ...keys]);
      keySource = "escrow";
    }
    if (!keys.has(mailbox.keyVersion)) return { kind: "key_unavailable" };
    await wrapVersionsFor(t, mailbox.id, keys, { userId: user.id, publicKey });
  }

  const rights = { canRead: true, canSend: props.send, canManage: props.manage };
  let member: SharedMailboxMember;
  if (existing) {
    member = await existing.update(rights, { transaction: t });
  } else {
    member = await SharedMailboxMember.create(
      { mailboxId: mailbox.id, userId: user.id, ...rights },
      { transaction: t },
    );
  }
  await recordAudit(t, {
    type: existing ? "mailbox.member_changed" : "mailbox.member_added",
    organisationId: mailbox.organisationId,
    actorId: props.actor.id,
    userId: user.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data: { mailboxId: mailbox.id, send: props.send, manage: props.manage, keySource },
  });
  return { kind: "ok", member, user, added: !existing };
}
