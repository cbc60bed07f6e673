import { z } from "zod";
import { ErrorSchema } from "../../api/route.js";

/** The request and the errors of adding, changing and removing a member (admin console and managing member). */
export const MemberParams = z.object({ id: z.uuid(), userId: z.uuid() });
export const MemberRightsBody = z
  .object({
    send: z.boolean().default(false).describe("Start new messages as the mailbox"),
    manage: z.boolean().default(false).describe("Add, change and remove members"),
  })
  .strict()
  .describe("Every member reads and replies (`read`); these add to it");

export const memberInvalid = {
  description: "`mailbox_member_invalid`: members must be active staff or admins of the organisation",
  schema: ErrorSchema,
};
export const keyUnavailable = {
  description:
    "`mailbox_key_unavailable`: zero-access organisation and the caller holds no wrap of the mailbox key to pass on",
  schema: ErrorSchema,
};
