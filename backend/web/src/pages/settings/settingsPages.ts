// The settings pages as one lazily loaded chunk (routes.tsx imports it on first visit).
export { AccountDeletedPage } from "./AccountDeletedPage.js";
export { AccountPage } from "./AccountPage.js";
export { ActivityPage } from "./ActivityPage.js";
export { DataPage } from "./DataPage.js";
export { MailboxesPage } from "./MailboxesPage.js";
export { OptionsPage } from "./OptionsPage.js";
export { PrintCodesPage } from "./PrintCodesPage.js";
export { SecurityPage } from "./SecurityPage.js";
