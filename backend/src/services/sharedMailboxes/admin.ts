import type { Transaction } from "sequelize";
import { User } from "../../models/User.js";
import { SharedMailbox } from "../../models/SharedMailbox.js";
import { SharedMailboxMember } from "../../models/SharedMailboxMember.js";

/** A mailbox with its identity and members, as the admin console and managing members see it. */
export interface MailboxDetail {
  mailbox: SharedMailbox;
  identity: User;
  members: Array<{ member: SharedMailboxMember; user: User }>;
}

async function details(t: Transaction | undefined, mailboxes: SharedMailbox[]): Promise<MailboxDetail[]> {
  if (mailboxes.length === 0) return [];
  const ids = mailboxes.map((m) => m.id);
  const members = await SharedMailboxMember.findAll({
    where: { mailboxId: ids },
    order: [["createdAt", "ASC"]],
    transaction: t,
  });
  const users = new Map(
    (await User.findAll({ where: { id: [...ids, ...members.map((m) => m.userId)] }, transaction: t })).map((u) => [
      u.id,
      u,
    ]),
  );
  return mailboxes.flatMap((mailbox) => {
    const identity = users.get(mailbox.id);
    if (!identity) return [];
    return [
      {
        mailbox,
        identity,
        members: members
          .filter((m) => m.mailboxId === mailbox.id)
          .flatMap((member) => {
            const user = users.get(member.userId);
            return user ? [{ member, user }] : [];
          }),
      },
    ];
  });
}

/** The organisation's shared mailboxes, by name. */
export async function listOrgMailboxes(organisationId: string): Promise<MailboxDetail[]> {
  const mailboxes = await SharedMailbox.findAll({ where: { organisationId }, order: [["name", "ASC"]] });
  return details(undefined, mailboxes);
}

/**
 * One mailbox of the organisation, or null (another organisation's or none: the caller answers
 * 404). In a transaction the row is locked, so member changes and key rotations go one at a time.
 */
export async function orgMailbox(organisationId: string, id: string, t?: Transaction): Promise<MailboxDetail | null> {
  const mailbox = await SharedMailbox.findByPk(id, { transaction: t, ...(t ? { lock: t.LOCK.UPDATE } : {}) });
  if (!mailbox || mailbox.organisationId !== organisationId) return null;
  return (await details(t, [mailbox]))[0] ?? null;
}

/**
 * Who a managing member may add (issue 11): the organisation's active staff and admins who are
 * not members yet, by name and address — the same people the admin console offers.
 */
export async function memberCandidates(detail: MailboxDetail): Promise<User[]> {
  const memberIds = new Set(detail.members.map((m) => m.user.id));
  const people = await User.findAll({
    where: { organisationId: detail.mailbox.organisationId, role: ["admin", "staff"], status: "active" },
    order: [
      ["name", "ASC"],
      ["email", "ASC"],
    ],
    limit: 1000,
  });
  return people.filter((u) => !memberIds.has(u.id));
}
