import type Router from "@koa/router";
import { adminUserRoutes } from "./users.js";
import { adminPolicyRoutes } from "./policies.js";
import { adminUsageRoutes } from "./usage.js";
import { adminAuditRoutes } from "./audit.js";
import { adminTemplateRoutes } from "./templates.js";
import { adminSignatureRoutes } from "./signature.js";
import { adminInvitationRoutes } from "./invitations.js";
import { adminMailboxRoutes } from "./mailboxes.js";
import { adminDirectoryRoutes } from "./directory.js";
import { adminNotificationTextRoutes } from "./notificationTexts.js";

/** The admin console's API (issue 10): /api/admin/…, admins of an organisation only. */
export function adminRoutes(router: Router): void {
  adminUserRoutes(router);
  adminPolicyRoutes(router);
  adminUsageRoutes(router);
  adminAuditRoutes(router);
  adminTemplateRoutes(router);
  adminSignatureRoutes(router);
  adminInvitationRoutes(router);
  adminMailboxRoutes(router);
  adminDirectoryRoutes(router);
  adminNotificationTextRoutes(router);
}
