import type { User } from "../models/User.js";

/**
 * Templates (F5) are changed by admins, and only inside their own organisation: the
 * organisation an admin may change templates of, or null (an admin without one). The route's
 * role check has made sure `user` is an admin.
 */
export function templateAdminOrganisation(user: User): string | null {
  return user.organisationId ?? null;
}
