import path from "node:path";
import type { Env } from "../../env.js";
import { fileTransport, smtpTransport, type MailTransport } from "./transport.js";

export type { MailTransport, OutgoingEmail } from "./transport.js";

/** SMTP when SMTP_URL is set, else .eml files under var/outbox/mail/. */
export function mailTransportFromEnv(e: Env): MailTransport {
  return e.SMTP_URL
    ? smtpTransport(e.SMTP_URL, e.MAIL_FROM)
    : fileTransport(path.join(e.VAR_DIR, "outbox", "mail"), e.MAIL_FROM);
}
