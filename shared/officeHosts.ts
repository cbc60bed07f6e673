/**
 * Outlook hosts that embed the add-in's pages (the CSP's frame-ancestors), as Microsoft documents
 * them for apps hosted in Outlook and the Microsoft 365 app ("Content Security Policy headers",
 * learn.microsoft.com, microsoftteams/platform, msteams-docs
 * includes/tabs/content-security-policy-headers.md; docs/security.md, *Add-in pages and
 * framing*): Outlook on the web and new Outlook on Windows on the consolidated domain
 * (outlook.cloud.microsoft, within *.cloud.microsoft, which Microsoft asks every app to allow)
 * and the older outlook.office.com / outlook.office365.com, Outlook.com (outlook.live.com), and
 * the Microsoft 365 app (*.microsoft365.com, *.office.com). Nothing else: not Office on the web
 * for documents (*.officeapps.live.com, no Outlook there) nor other wildcards Microsoft does not
 * list for Outlook (*.outlook.com, *.office365.com), and not its internal test rings
 * (outlook-sdf.*).
 */
export const outlookFrameAncestors = [
  "https://outlook.cloud.microsoft",
  "https://*.cloud.microsoft",
  "https://outlook.office.com",
  "https://outlook.office365.com",
  "https://outlook.live.com",
  "https://*.microsoft365.com",
  "https://*.office.com",
];

/** Where Outlook loads office.js from. */
export const officeJsOrigin = "https://appsforoffice.microsoft.com";
