/**
 * Outlook hosts that embed the add-in's pages (the CSP's frame-ancestors): Outlook on the web and
 * new Outlook on Windows (outlook.cloud.microsoft, Microsoft 365's consolidated domain, and the
 * older outlook.office.com / outlook.office365.com), Outlook.com (outlook.live.com), the
 * Microsoft 365 app (*.cloud.microsoft, *.office.com) and Office on the web (*.officeapps.live.com).
 */
export const outlookFrameAncestors = [
  "https://outlook.cloud.microsoft",
  "https://*.cloud.microsoft",
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://outlook.live.com",
  "https://*.outlook.com",
  "https://*.office.com",
  "https://*.office365.com",
  "https://*.officeapps.live.com",
];

/** Where Outlook loads office.js from. */
export const officeJsOrigin = "https://appsforoffice.microsoft.com";
