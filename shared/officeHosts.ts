/** Outlook hosts that embed the add-in's pages (Outlook on the web, new Outlook, Office). */
export const outlookFrameAncestors = [
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
