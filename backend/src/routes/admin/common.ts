import type { Middleware } from "koa";
import { ErrorSchema } from "../../api/route.js";
import { ForbiddenError } from "../../errors.js";
import { authenticated } from "../../middlewares/authenticate.js";
import { rateLimit } from "../../middlewares/rateLimit.js";
import type { User } from "../../models/User.js";
import { adminOrganisation } from "../../policies/admin.js";

/** Reads of the admin console: generous, as a table pages and filters. */
export const adminRead: Middleware[] = [
  rateLimit({ name: "admin-read-ip", points: 600, durationSeconds: 60 }),
  authenticated({ roles: ["admin"] }),
];
/** Changes made in the admin console. */
export const adminWrite: Middleware[] = [
  rateLimit({ name: "admin-write-ip", points: 120, durationSeconds: 60 }),
  authenticated({ roles: ["admin"] }),
];

/** The organisation the signed-in admin runs (policies/admin.ts); 403 for an admin without one. */
export function adminOrg(user: User): string {
  const organisationId = adminOrganisation(user);
  if (!organisationId) throw ForbiddenError();
  return organisationId;
}

export const adminResponses = {
  400: { description: "`validation_error`", schema: ErrorSchema },
  401: { description: "`authentication_required` or `invalid_token`", schema: ErrorSchema },
  403: { description: "`forbidden`: not an admin of an organisation (or `csrf_failed`)", schema: ErrorSchema },
  429: { description: "`rate_limited`", schema: ErrorSchema },
};
export const notFoundResponse = {
  description: "`not_found`: no such member of the admin's organisation",
  schema: ErrorSchema,
};
