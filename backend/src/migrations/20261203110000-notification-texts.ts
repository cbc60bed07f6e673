import type { Migration } from "../migrate.js";
import { columns } from "./columns.js";

/**
 * The organisation's notification texts (issue 10, *Notification texts*): per language the
 * sender display name, the introduction and footer around the notification e-mail's fixed link
 * button, and the code SMS texts a message's recipients get (null: the built-in default). The
 * logo is one row per organisation: the re-encoded image (base64), its type, size and hash.
 */
export const notificationTexts: Migration = {
  name: "20261203110000-notification-texts",
  async up({ context: q }) {
    const col = columns(q);
    await q.createTable("notification_texts", {
      id: col.id(),
      organisation_id: col.ref("organisations"),
      locale: col.string(5),
      sender_name: col.string(100, true),
      intro: col.text(true),
      footer: col.text(true),
      sms_recipient_code: col.text(true),
      sms_id_check: col.text(true),
      ...col.timestamps(),
    });
    await q.addIndex("notification_texts", ["organisation_id", "locale"], {
      name: "notification_texts_org_locale",
      unique: true,
    });
    await q.createTable("notification_logos", {
      organisation_id: { ...col.ref("organisations"), primaryKey: true },
      content_type: col.string(20),
      data: col.text(false),
      sha256: col.string(64),
      width: col.int(0),
      height: col.int(0),
      byte_size: col.int(0),
      ...col.timestamps(),
    });
  },
  async down({ context: q }) {
    await q.dropTable("notification_logos");
    await q.dropTable("notification_texts");
  },
};
