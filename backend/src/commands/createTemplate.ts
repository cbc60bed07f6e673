import type { Transaction } from "sequelize";
import { MessageTemplate, type TemplateLocale } from "../models/MessageTemplate.js";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface CreateTemplateProps {
  admin: User;
  /** The admin's own organisation (policies/templates.ts). */
  organisationId: string;
  template: { name: string; body: string; locale: TemplateLocale };
  meta: RequestMeta;
}

/** Adds a template to the admin's organisation (F5) and audits it. */
export async function createTemplate(t: Transaction, props: CreateTemplateProps): Promise<MessageTemplate> {
  const { admin, organisationId, meta } = props;
  const created = await MessageTemplate.create({ organisationId, ...props.template }, { transaction: t });
  await recordAudit(t, {
    type: "template.created",
    userId: admin.id,
    organisationId,
    ...meta,
    data: { templateId: created.id },
  });
  return created;
}
