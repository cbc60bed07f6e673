import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * message_recipients: wrong SMS codes entered through a recipient link, in all and in the
 * current 24-hour window (services/messages/recipientCodeLimits.ts). A daily cap and a total
 * after which the link is retired bound guessing with a forwarded link (S3).
 */
export const recipientCodeFailures: Migration = {
  name: "20261202000100-recipient-code-failures",
  async up({ context: q }) {
    await q.addColumn("message_recipients", "code_failures", columns(q).int(0));
    await q.addColumn("message_recipients", "code_failures_today", columns(q).int(0));
    await q.addColumn("message_recipients", "code_failure_window_start", columns(q).date(true));
  },
  async down({ context: q }) {
    await q.removeColumn("message_recipients", "code_failure_window_start");
    await q.removeColumn("message_recipients", "code_failures_today");
    await q.removeColumn("message_recipients", "code_failures");
  },
};
