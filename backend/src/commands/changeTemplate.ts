import type { Transaction } from "sequelize";
import type { MessageTemplate, TemplateLocale } from "../models/MessageTemplate.js";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { findOwnTemplate } from "../services/messageTemplates/index.js";

export type ChangeTemplateResult = { kind: "changed"; template: MessageTemplate } | { kind: "not_found" };

export interface ChangeTemplateProps {
  admin: User;
  /** The admin's own organisation (policies/templates.ts). */
  organisationId: string;
  templateId: string;
  changes: Partial<{ name: string; body: string; locale: TemplateLocale }>;
  meta: RequestMeta;
}

/** Changes a template of the admin's organisation (F5) and audits it; another organisation's is `not_found` (S4). */
export async function changeTemplate(t: Transaction, props: ChangeTemplateProps): Promise<ChangeTemplateResult> {
  const { admin, organisationId, meta } = props;
  const found = await findOwnTemplate(t, organisationId, props.templateId);
  if (!found) return { kind: "not_found" };
  await found.update(props.changes, { transaction: t });
  await recordAudit(t, {
    type: "template.changed",
    userId: admin.id,
    organisationId,
    ...meta,
    data: { templateId: found.id },
  });
  return { kind: "changed", template: found };
}
