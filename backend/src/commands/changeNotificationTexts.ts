import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { NotificationLogo, NotificationText, type NotificationLocale } from "../models/NotificationText.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { lockOrganisation } from "../services/admin/orgUsers.js";
import type { RequestMeta } from "../services/lockout.js";
import { textFields, textsOf, validateTexts, type TextField, type Texts } from "../services/notificationTexts/texts.js";
import { reencodeLogo } from "../services/notificationTexts/logo.js";

export type NotificationTextsResult = { kind: "done"; changed: boolean } | { kind: "not_found" };

interface AdminAction {
  admin: User;
  organisationId: string;
  meta: RequestMeta;
}

/** The organisation's audit event for an admin's change here, with who, from where, and what. */
function auditChange(
  t: Transaction,
  props: AdminAction,
  organisationId: string,
  type: string,
  data: Record<string, unknown>,
) {
  return recordAudit(t, {
    type,
    organisationId,
    actorId: props.admin.id,
    ip: props.meta.ip,
    userAgent: props.meta.userAgent,
    data,
  });
}

/** Field → {from, to} for every text that differs (null: the default). */
function differences(
  before: Texts,
  after: Texts,
): Partial<Record<TextField, { from: string | null; to: string | null }>> {
  const changes: Partial<Record<TextField, { from: string | null; to: string | null }>> = {};
  for (const f of textFields) if (before[f] !== after[f]) changes[f] = { from: before[f], to: after[f] };
  return changes;
}

/**
 * An admin sets the organisation's notification texts in one language (issue 10). Validated and
 * cleaned here (placeholders, lengths; 422/400 otherwise); empty texts mean the default. Under
 * the organisation's row lock; audited `organisation.notification_texts_changed` with each
 * changed text's old and new value (organisation texts, not personal data). The same again
 * changes nothing.
 */
export async function setNotificationTexts(
  t: Transaction,
  props: AdminAction & { locale: NotificationLocale; texts: Partial<Record<TextField, string | null>> },
): Promise<NotificationTextsResult> {
  const texts = validateTexts(props.texts);
  const org = await lockOrganisation(t, props.organisationId);
  if (!org) return { kind: "not_found" };
  const row = await NotificationText.findOne({
    where: { organisationId: org.id, locale: props.locale },
    transaction: t,
  });
  const changes = differences(textsOf(row), texts);
  if (Object.keys(changes).length === 0) return { kind: "done", changed: false };
  if (textFields.every((f) => texts[f] === null)) await row?.destroy({ transaction: t });
  else if (row) await row.update(texts, { transaction: t });
  else await NotificationText.create({ organisationId: org.id, locale: props.locale, ...texts }, { transaction: t });
  await auditChange(t, props, org.id, "organisation.notification_texts_changed", { locale: props.locale, changes });
  return { kind: "done", changed: true };
}

/** Back to the built-in texts in one language; audited `organisation.notification_texts_reset` with what was there. */
export async function resetNotificationTexts(
  t: Transaction,
  props: AdminAction & { locale: NotificationLocale },
): Promise<NotificationTextsResult> {
  const org = await lockOrganisation(t, props.organisationId);
  if (!org) return { kind: "not_found" };
  const row = await NotificationText.findOne({
    where: { organisationId: org.id, locale: props.locale },
    transaction: t,
  });
  if (!row) return { kind: "done", changed: false };
  const before = textsOf(row);
  await row.destroy({ transaction: t });
  await auditChange(t, props, org.id, "organisation.notification_texts_reset", { locale: props.locale, before });
  return { kind: "done", changed: true };
}

/**
 * Stores an uploaded logo after re-encoding it (services/notificationTexts/logo.ts refuses
 * anything that is not a decodable PNG or JPEG within the limits). Audited
 * `organisation.notification_logo_changed` with the old and new image's hash, type and size.
 */
export async function setNotificationLogo(
  t: Transaction,
  props: AdminAction & { bytes: Buffer },
): Promise<NotificationTextsResult> {
  const logo = reencodeLogo(props.bytes);
  const org = await lockOrganisation(t, props.organisationId);
  if (!org) return { kind: "not_found" };
  const row = await NotificationLogo.findByPk(org.id, { transaction: t });
  if (row?.sha256 === logo.sha256) return { kind: "done", changed: false };
  const values = {
    contentType: logo.contentType,
    data: logo.data.toString("base64"),
    sha256: logo.sha256,
    width: logo.width,
    height: logo.height,
    byteSize: logo.data.length,
  };
  if (row) await row.update(values, { transaction: t });
  else await NotificationLogo.create({ organisationId: org.id, ...values }, { transaction: t });
  await auditChange(t, props, org.id, "organisation.notification_logo_changed", {
    from: row ? { sha256: row.sha256 } : null,
    to: {
      sha256: logo.sha256,
      contentType: logo.contentType,
      width: logo.width,
      height: logo.height,
      bytes: logo.data.length,
      uploadedBytes: props.bytes.length,
    },
  });
  return { kind: "done", changed: true };
}

/** Removes the logo; audited `organisation.notification_logo_removed`. */
export async function removeNotificationLogo(t: Transaction, props: AdminAction): Promise<NotificationTextsResult> {
  const org = await lockOrganisation(t, props.organisationId);
  if (!org) return { kind: "not_found" };
  const row = await NotificationLogo.findByPk(org.id, { transaction: t });
  if (!row) return { kind: "done", changed: false };
  await row.destroy({ transaction: t });
  await auditChange(t, props, org.id, "organisation.notification_logo_removed", { from: { sha256: row.sha256 } });
  return { kind: "done", changed: true };
}
