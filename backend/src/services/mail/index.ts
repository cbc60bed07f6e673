import path from "node:path";
import type { Env } from "../../env.js";
import { fileTransport, smtpTransport, type MailTransport } from "./transport.js";

export type { MailTransport, OutgoingEmail } from "./transport.js";

/** Pooled SMTP when SMTP_URL is set (SMTP_POOL_MAX_CONNECTIONS, SMTP_POOL_MAX_MESSAGES), else .eml files under var/outbox/mail/. */
export function mailTransportFromEnv(e: Env): MailTransport {
  return e.SMTP_URL
    ? smtpTransport(e.SMTP_URL, e.MAIL_FROM, {
        maxConnections: e.SMTP_POOL_MAX_CONNECTIONS,
        maxMessages: e.SMTP_POOL_MAX_MESSAGES,
      })
    : fileTransport(path.join(e.VAR_DIR, "outbox", "mail"), e.MAIL_FROM);
}
