import { z } from "zod";
import type { User } from "../models/User.js";

export const AdminUserSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string(),
    mobile: z.string().nullable(),
    role: z.enum(["admin", "staff"]),
    status: z.enum(["active", "invited", "locked", "deactivated"]),
    locale: z.string(),
    twoFactor: z.boolean().describe("An authenticator app is turned on"),
    createdAt: z.string(),
  })
  .meta({ id: "AdminUser" });
export type AdminUserJson = z.infer<typeof AdminUserSchema>;

/** A member of the organisation as the admin console shows them (no keys, hashes or counters). */
export function presentAdminUser(user: User, status: AdminUserJson["status"], twoFactor: boolean): AdminUserJson {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    mobile: user.mobile,
    role: user.role === "admin" ? "admin" : "staff",
    status,
    locale: user.locale,
    twoFactor,
    createdAt: user.createdAt.toISOString(),
  };
}
