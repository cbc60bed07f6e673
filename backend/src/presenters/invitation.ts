import { z } from "zod";
import type { Invitation } from "../models/Invitation.js";
import type { Organisation } from "../models/Organisation.js";
import type { User } from "../models/User.js";
import { invitationStatuses, invitationStatusOf } from "../services/invitations/invitationLink.js";
import { maskPhone } from "../services/phones.js";

export const AdminInvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    mobile: z.string(),
    role: z.enum(["admin", "staff"]),
    status: z.enum(invitationStatuses),
    existingAccount: z.boolean().describe("The address had a free recipient account, which moves in on acceptance"),
    invitedBy: z.object({ name: z.string().nullable(), email: z.string() }).nullable(),
    createdAt: z.string(),
    expiresAt: z.string().describe("When the current link stops working"),
    respondedAt: z.string().nullable().describe("When it was accepted or declined"),
  })
  .meta({ id: "AdminInvitation" });
export type AdminInvitationJson = z.infer<typeof AdminInvitationSchema>;

/** An invitation as the admin console shows it (never the token hash or the code state). */
export function presentAdminInvitation(invitation: Invitation, invitedBy: User | null): AdminInvitationJson {
  return {
    id: invitation.id,
    email: invitation.email,
    name: invitation.name,
    mobile: invitation.mobile,
    role: invitation.role,
    status: invitationStatusOf(invitation),
    existingAccount: invitation.existingAccount,
    invitedBy: invitedBy ? { name: invitedBy.name, email: invitedBy.email } : null,
    createdAt: invitation.createdAt.toISOString(),
    expiresAt: invitation.tokenExpiresAt.toISOString(),
    respondedAt: invitation.respondedAt?.toISOString() ?? null,
  };
}

export const PublicInvitationSchema = z
  .object({
    organisation: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(["admin", "staff"]),
    mobile: z.string().nullable().describe("Masked: the SMS code goes to this number"),
    existingAccount: z.boolean().describe("The person already has a Kuvert account with a password"),
    expiresAt: z.string(),
  })
  .meta({ id: "PublicInvitation" });

/** What the invitation page shows to whoever holds the link (the number only masked). */
export function presentPublicInvitation(
  invitation: Invitation,
  user: User,
  organisation: Organisation,
): z.infer<typeof PublicInvitationSchema> {
  return {
    organisation: organisation.name,
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    mobile: maskPhone(invitation.mobile),
    existingAccount: invitation.existingAccount && user.status === "active",
    expiresAt: invitation.tokenExpiresAt.toISOString(),
  };
}
