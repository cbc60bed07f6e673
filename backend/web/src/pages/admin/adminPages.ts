// The admin console's pages as one lazily loaded chunk (routes.tsx imports it on first visit).
export { UsersPage } from "./UsersPage.js";
export { PoliciesPage } from "./PoliciesPage.js";
export { UsagePage } from "./UsagePage.js";
export { AuditPage } from "./AuditPage.js";
export { TemplatesPage } from "./TemplatesPage.js";
export { SignaturePage } from "./SignaturePage.js";
export { InvitationsPage } from "./InvitationsPage.js";
export { MailboxesPage } from "./MailboxesPage.js";
export { DirectoryPage } from "./DirectoryPage.js";
export { NotificationTextsPage } from "./NotificationTextsPage.js";
