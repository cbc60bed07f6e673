import { z } from "zod";
import type { User } from "../models/User.js";
import type { SharedMailboxMember } from "../models/SharedMailboxMember.js";
import type { MailboxDetail } from "../services/sharedMailboxes/admin.js";
import type { Membership } from "../services/sharedMailboxes/membership.js";

export const MailboxRightsSchema = z.object({ read: z.boolean(), send: z.boolean(), manage: z.boolean() });
export const MailboxMemberSchema = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  email: z.string(),
  rights: MailboxRightsSchema,
});
export const SharedMailboxSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  keyVersion: z.number().describe("The current key version; it goes up each time a member is removed"),
  members: z.array(MailboxMemberSchema),
  createdAt: z.string(),
});
export const MyMailboxSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  rights: MailboxRightsSchema,
  unread: z.number().describe("Unread messages in the mailbox's inbox"),
  notify: z.boolean().describe("The caller is e-mailed a neutral notice when a message arrives"),
});

export function presentRights(member: Pick<SharedMailboxMember, "canRead" | "canSend" | "canManage">) {
  return { read: member.canRead, send: member.canSend, manage: member.canManage };
}

export function presentMailboxMember(member: SharedMailboxMember, user: Pick<User, "id" | "name" | "email">) {
  return { userId: user.id, name: user.name, email: user.email, rights: presentRights(member) };
}

export function presentSharedMailbox(d: MailboxDetail): z.infer<typeof SharedMailboxSchema> {
  return {
    id: d.mailbox.id,
    name: d.mailbox.name,
    email: d.identity.email,
    keyVersion: d.mailbox.keyVersion,
    members: d.members.map(({ member, user }) => presentMailboxMember(member, user)),
    createdAt: d.mailbox.createdAt.toISOString(),
  };
}

export function presentMyMailbox(m: Membership & { unread: number }): z.infer<typeof MyMailboxSchema> {
  return {
    id: m.mailbox.id,
    name: m.mailbox.name,
    email: m.identity.email,
    rights: presentRights(m.member),
    unread: m.unread,
    notify: m.member.notify,
  };
}
