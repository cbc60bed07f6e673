import type { Readable } from "node:stream";
import { Op } from "sequelize";
import type { AuthState } from "../sessions.js";
import { Organisation } from "../../models/Organisation.js";
import { Phone } from "../../models/Phone.js";
import { AuditEvent } from "../../models/AuditEvent.js";
import { UserSettings } from "../../models/UserSettings.js";
import { presentAccount } from "../../presenters/account.js";
import { presentPhone } from "../../presenters/phone.js";
import { presentAuditEvent } from "../../presenters/auditEvent.js";
import { messagesExportSection } from "../messages/accountData.js";

export interface ExportContext {
  /** The signed-in owner; `auth.sessionId`/`auth.sessionKey` open their private key (sessionPrivateKey). */
  auth: AuthState;
}

export interface ExportEntry {
  /** Path inside the section's folder of the archive. */
  path: string;
  /** Streams are read one entry at a time, so memory stays flat for any size. */
  content: string | Buffer | Readable;
  date?: Date;
}

/** One folder of the export archive, produced lazily. */
export interface ExportSection {
  name: string;
  entries(ctx: ExportContext): AsyncIterable<ExportEntry>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** Profile, settings, phones and the owner's audit log. */
export const accountSection: ExportSection = {
  name: "account",
  async *entries({ auth }) {
    const user = auth.user;
    const org = user.organisationId ? await Organisation.findByPk(user.organisationId) : null;
    const settings = (await UserSettings.findByPk(user.id)) ?? UserSettings.build({ userId: user.id });
    yield { path: "account.json", content: json(presentAccount(user, org, settings)) };
    const phones = await Phone.findAll({ where: { userId: user.id }, order: [["createdAt", "ASC"]] });
    yield { path: "phones.json", content: json(phones.map(presentPhone)) };
    // The audit log in pages, so a long history is not loaded at once.
    let after = 0;
    let page = 0;
    for (;;) {
      const events = await AuditEvent.findAll({
        where: { userId: user.id, id: { [Op.gt]: after } },
        order: [["id", "ASC"]],
        limit: 1000,
      });
      if (events.length === 0) break;
      page += 1;
      yield { path: `audit-log-${String(page).padStart(4, "0")}.json`, content: json(events.map(presentAuditEvent)) };
      after = Number(events[events.length - 1].id);
    }
  },
};

/**
 * Every section of "Export my data" (F21), in archive order. EXTENSION POINT: the messaging
 * code adds its section here (decrypted messages and attachments, read with the session's
 * private key), e.g. `messagesSection` from services/messages/export.ts.
 */
export const exportSections: ExportSection[] = [accountSection, messagesExportSection];
