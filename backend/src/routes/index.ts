import Router from "@koa/router";
import { healthRoutes } from "./health/index.js";
import { attachmentRoutes } from "./attachments/index.js";
import { metaRoutes } from "./meta/index.js";
import { keyRoutes } from "./keys/index.js";
import { messageRoutes } from "./messages/index.js";
import { mailboxRoutes } from "./mailbox/index.js";
import { recipientRoutes, sharedLinkRoutes } from "./recipient/index.js";
import { folderRoutes } from "./folders/index.js";
import { inboundRoutes } from "./inbound/index.js";
import { authRoutes } from "./auth/index.js";
import { sessionStateRoutes } from "./auth/sessionState.js";
import { sessionRoutes } from "./sessions/index.js";
import { auditRoutes } from "./audit/index.js";
import { trashRoutes } from "./trash/index.js";
import { accountRoutes } from "./account/index.js";
import { secondFactorRoutes } from "./secondFactor/index.js";
import { phoneRoutes } from "./phones/index.js";
import { recoveryRoutes } from "./recovery/index.js";
import { microsoftAuthRoutes } from "./microsoft/index.js";
import { contactRoutes } from "./contacts/index.js";
import { addinRoutes } from "./addin/index.js";
import { templateRoutes } from "./templates/index.js";
import { adminRoutes } from "./admin/index.js";
import { invitationRoutes } from "./invitation/index.js";
import { sharedMailboxRoutes } from "./mailboxes/index.js";

/** Route groups, mounted in this order. Add new groups to this list. */
const groups: Array<(router: Router) => void> = [
  healthRoutes,
  metaRoutes,
  keyRoutes,
  messageRoutes,
  mailboxRoutes,
  recipientRoutes,
  sharedLinkRoutes,
  folderRoutes,
  authRoutes,
  sessionStateRoutes,
  sessionRoutes,
  auditRoutes,
  trashRoutes,
  inboundRoutes,
];
groups.push(accountRoutes, secondFactorRoutes, phoneRoutes, recoveryRoutes);
groups.push(microsoftAuthRoutes);
groups.push(attachmentRoutes);
groups.push(templateRoutes);
groups.push(contactRoutes);
groups.push(addinRoutes);
groups.push(adminRoutes);
groups.push(invitationRoutes);
groups.push(sharedMailboxRoutes);

export function buildRouter(): Router {
  const router = new Router();
  for (const mount of groups) mount(router);
  return router;
}
