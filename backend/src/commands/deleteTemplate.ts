import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { findOwnTemplate } from "../services/messageTemplates/index.js";

export type DeleteTemplateResult = { kind: "deleted" } | { kind: "not_found" };

export interface DeleteTemplateProps {
  admin: User;
  /** The admin's own organisation (policies/templates.ts). */
  organisationId: string;
  templateId: string;
  meta: RequestMeta;
}

/** Deletes a template of the admin's organisation (F5) and audits it; another organisation's is `not_found` (S4). */
export async function deleteTemplate(t: Transaction, props: DeleteTemplateProps): Promise<DeleteTemplateResult> {
  const { admin, organisationId, meta } = props;
  const found = await findOwnTemplate(t, organisationId, props.templateId);
  if (!found) return { kind: "not_found" };
  await found.destroy({ transaction: t });
  await recordAudit(t, {
    type: "template.deleted",
    userId: admin.id,
    organisationId,
    ...meta,
    data: { templateId: props.templateId },
  });
  return { kind: "deleted" };
}
