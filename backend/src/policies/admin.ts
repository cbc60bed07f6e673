import type { Role, User } from "../models/User.js";

/**
 * The admin console (issue 10): an admin acts only inside their own organisation. The
 * organisation an admin may administer, or null (not an admin, or an admin without one).
 */
export function adminOrganisation(user: Pick<User, "role" | "organisationId">): string | null {
  return user.role === "admin" && user.organisationId ? user.organisationId : null;
}

/** Roles an admin may give: the console manages the organisation's admins and staff. */
export const manageableRoles = ["admin", "staff"] as const satisfies readonly Role[];
export type ManageableRole = (typeof manageableRoles)[number];

/**
 * Whether `target` is a person the admin of `organisationId` manages: a member (admin or
 * staff) of that organisation. Anyone else — another organisation's users, recipients — is
 * answered as not found, so ids of other organisations reveal nothing.
 */
export function managesUser(organisationId: string, target: Pick<User, "organisationId" | "role"> | null): boolean {
  return (
    !!target && target.organisationId === organisationId && (manageableRoles as readonly string[]).includes(target.role)
  );
}

/** An active admin: the kind the organisation must keep at least one of. */
export function isActiveAdmin(user: Pick<User, "role" | "status">): boolean {
  return user.role === "admin" && user.status === "active";
}

/**
 * The last-admin rule: a change that would leave the organisation without an active admin is
 * refused. `after` is the target as the change would leave it; `otherActiveAdmins` counts the
 * organisation's other active admins, read under the organisation's lock.
 */
export function leavesNoAdmin(
  before: Pick<User, "role" | "status">,
  after: Pick<User, "role" | "status">,
  otherActiveAdmins: number,
): boolean {
  return isActiveAdmin(before) && !isActiveAdmin(after) && otherActiveAdmins === 0;
}
