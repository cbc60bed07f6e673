import { Op, type Transaction } from "sequelize";
import { NotFoundError } from "../../errors.js";
import { User } from "../../models/User.js";
import { SharedMailbox } from "../../models/SharedMailbox.js";
import { SharedMailboxMember, type MailboxRight } from "../../models/SharedMailboxMember.js";
import { SharedMailboxEvent, type MailboxAction } from "../../models/SharedMailboxKey.js";
import { MailboxEntry } from "../../models/MailboxEntry.js";
import { AppError, appError } from "../../errors.js";
import { memberHas } from "../../policies/sharedMailboxes.js";
import type { AuthState } from "../sessions.js";
import { KeysLockedError, requestPrivateKey } from "../messages/readMessage.js";
import { mailboxKeyRing, memberMailboxKeys } from "../keys/mailboxKeys.js";

/** A member's view of a mailbox: the mailbox, its identity user and the membership row. */
export interface Membership {
  mailbox: SharedMailbox;
  identity: User;
  member: SharedMailboxMember;
}

/**
 * The caller's membership of a mailbox; 404 `not_found` for anyone who is not a member (and
 * for ids that do not exist), so mailbox ids reveal nothing (S4).
 */
export async function loadMembership(user: User, mailboxId: string, t?: Transaction): Promise<Membership> {
  const member = await SharedMailboxMember.findOne({ where: { mailboxId, userId: user.id }, transaction: t });
  const mailbox = member ? await SharedMailbox.findByPk(mailboxId, { transaction: t }) : null;
  const identity = mailbox ? await User.findByPk(mailbox.id, { transaction: t }) : null;
  if (!member || !mailbox || !identity || mailbox.organisationId !== user.organisationId) {
    throw NotFoundError("Mailbox not found");
  }
  return { mailbox, identity, member };
}

/** The caller's membership of a mailbox, or null (not a member, no such mailbox). */
export async function membershipOrNull(user: User, mailboxId: string, t?: Transaction): Promise<Membership | null> {
  try {
    return await loadMembership(user, mailboxId, t);
  } catch (err) {
    if (err instanceof AppError && err.id === "not_found") return null;
    throw err;
  }
}

/** 403 `mailbox_right_missing` unless the membership includes `right`. */
export function assertRight(membership: Membership, right: MailboxRight): void {
  if (!memberHas(membership.member, right)) throw appError("mailbox_right_missing");
}

/**
 * The request as the mailbox: its identity user, with the mailbox's key versions unwrapped by
 * the member's own unlocked key (403 `keys_locked` without one). Versions the member was never
 * given (added after a rotation they missed, or before they joined without escrow) stay closed.
 */
export async function actAsMailbox(auth: AuthState, membership: Membership): Promise<AuthState> {
  const own = await requestPrivateKey(auth);
  if (!own) throw KeysLockedError();
  const keys = await memberMailboxKeys(membership.mailbox.id, auth.user.id, own);
  return { ...auth, user: membership.identity, actingKey: await mailboxKeyRing(keys.values()) };
}

/** The caller's mailboxes with their rights and unread inbox count, by name. */
export async function myMailboxes(user: User): Promise<Array<Membership & { unread: number }>> {
  const members = await SharedMailboxMember.findAll({ where: { userId: user.id } });
  if (members.length === 0) return [];
  const ids = members.map((m) => m.mailboxId);
  const mailboxes = await SharedMailbox.findAll({
    where: { id: ids, organisationId: user.organisationId ?? "" },
    order: [["name", "ASC"]],
  });
  const identities = new Map((await User.findAll({ where: { id: ids } })).map((u) => [u.id, u]));
  const out: Array<Membership & { unread: number }> = [];
  for (const mailbox of mailboxes) {
    const identity = identities.get(mailbox.id);
    const member = members.find((m) => m.mailboxId === mailbox.id);
    if (!identity || !member) continue;
    const unread = await MailboxEntry.count({
      where: { userId: mailbox.id, unread: true, deletedAt: null, folder: "inbox" },
    });
    out.push({ mailbox, identity, member, unread });
  }
  return out;
}

/**
 * Records that a member read, answered or sent a message of the mailbox. A read is recorded
 * once per member and message (the first time); replies and sends every time.
 */
export async function recordMailboxEvent(
  t: Transaction,
  mailboxId: string,
  messageId: string,
  userId: string,
  action: MailboxAction,
): Promise<void> {
  if (action === "read") {
    const seen = await SharedMailboxEvent.findOne({
      where: { mailboxId, messageId, userId, action },
      transaction: t,
    });
    if (seen) return;
  }
  await SharedMailboxEvent.create({ mailboxId, messageId, userId, action }, { transaction: t });
}

/** A member's action on one message, for the dialog history. */
export interface MailboxEventView {
  messageId: string;
  action: MailboxAction;
  member: { id: string; name: string | null; email: string } | null;
  at: Date;
}

/** Who read and answered the given messages of the mailbox, oldest first. */
export async function mailboxEvents(mailboxId: string, messageIds: string[]): Promise<MailboxEventView[]> {
  if (messageIds.length === 0) return [];
  const events = await SharedMailboxEvent.findAll({
    where: { mailboxId, messageId: { [Op.in]: messageIds } },
    order: [
      ["createdAt", "ASC"],
      ["id", "ASC"],
    ],
  });
  const userIds = [...new Set(events.flatMap((e) => (e.userId ? [e.userId] : [])))];
  const users = new Map((await User.findAll({ where: { id: userIds } })).map((u) => [u.id, u]));
  return events.map((e) => {
    const u = e.userId ? users.get(e.userId) : undefined;
    return {
      messageId: e.messageId,
      action: e.action,
      member: u ? { id: u.id, name: u.name, email: u.email } : null,
      at: e.createdAt,
    };
  });
}

/** A member turns the e-mail notice for new messages in the mailbox on or off (issue 11). */
export async function setMailboxNotify(user: User, mailboxId: string, notify: boolean): Promise<Membership> {
  const membership = await loadMembership(user, mailboxId);
  await membership.member.update({ notify });
  return membership;
}
