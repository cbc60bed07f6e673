import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { clock } from "../services/clock.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { lockOrganisation } from "../services/admin/orgUsers.js";
import type { RequestMeta } from "../services/lockout.js";
import {
  orgSignatureOf,
  sanitiseSignatureHtml,
  type OrgSignature,
  type SignatureMode,
} from "../services/signatures/orgSignature.js";

export type ChangeOrgSignatureResult =
  { kind: "done"; signature: OrgSignature; changed: boolean } | { kind: "not_found" };

/**
 * An admin sets the organisation signature (F5): HTML (sanitised here, placeholders kept) and
 * its policy (`default` or `mandatory`). Under the organisation's row lock; a real change bumps
 * the version (so add-ins holding an older rendering are refused while it is mandatory) and is
 * audited as `organisation.signature_changed`. Saving the same again changes nothing.
 */
export async function changeOrgSignature(
  t: Transaction,
  props: { admin: User; organisationId: string; html: string; mode: SignatureMode; meta: RequestMeta },
): Promise<ChangeOrgSignatureResult> {
  const { admin, organisationId, meta } = props;
  const org = await lockOrganisation(t, organisationId);
  if (!org) return { kind: "not_found" };
  const before = orgSignatureOf(org.policy);
  const html = sanitiseSignatureHtml(props.html);
  if (before.html === html && before.mode === props.mode && org.policy.orgSignature !== undefined)
    return { kind: "done", signature: before, changed: false };
  const signature: OrgSignature = {
    html,
    mode: props.mode,
    version: before.version + 1,
    updatedAt: clock.now().toISOString(),
  };
  const { signature: _legacy, ...rest } = org.policy;
  org.policy = { ...rest, orgSignature: signature };
  org.changed("policy", true);
  await org.save({ transaction: t });
  await recordAudit(t, {
    type: "organisation.signature_changed",
    organisationId,
    actorId: admin.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: {
      version: signature.version,
      mode: { from: before.mode, to: signature.mode },
      textChanged: before.html !== html,
    },
  });
  return { kind: "done", signature, changed: true };
}
