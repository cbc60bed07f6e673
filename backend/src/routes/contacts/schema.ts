import { z } from "zod";

export const ContactParams = z.object({ id: z.uuid() });
export const ContactQuery = z.object({ q: z.string().trim().max(200).optional() });
const mobile = z.string().trim().max(32).nullish();
export const CreateContactBody = z
  .object({ email: z.email().max(320), name: z.string().max(200).nullish(), mobile })
  .strict();
export const UpdateContactBody = z.object({ name: z.string().max(200).nullish(), mobile }).strict();
export const ContactResponse = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  mobile: z.string().nullable(),
  verified: z.boolean().describe("The mobile number is proven by SMS: a safe contact"),
  createdAt: z.string(),
});
export const ContactListResponse = z.object({ contacts: z.array(ContactResponse) });
