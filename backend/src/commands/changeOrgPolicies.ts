import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { lockOrganisation } from "../services/admin/orgUsers.js";
import {
  adminPoliciesOf,
  applyPoliciesPatch,
  type AdminPolicies,
  type AdminPoliciesPatch,
} from "../services/admin/orgPolicies.js";
import type { RequestMeta } from "../services/lockout.js";
import { setZeroAccess } from "./setZeroAccess.js";

export type ChangeOrgPoliciesResult =
  | { kind: "done"; policies: AdminPolicies; escrowCopiesDropped: number | null }
  | { kind: "not_found" }
  | { kind: "invalid"; message: string };

/** The members that differ between two policy readings, as {from, to}. */
function differences(a: AdminPolicies, b: AdminPolicies): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const flat = (p: AdminPolicies): Record<string, unknown> => ({
    requireSecondFactor: p.requireSecondFactor,
    "lockout.threshold": p.lockout.threshold,
    "lockout.mode": p.lockout.mode,
    "lockout.baseDelaySeconds": p.lockout.baseDelaySeconds,
    "messages.defaults": p.messages.defaults,
    "messages.forced": p.messages.forced,
    "messages.defaultExpiryDays": p.messages.defaultExpiryDays,
    "messages.longestExpiryDays": p.messages.longestExpiryDays,
    subjectInNotifications: p.subjectInNotifications,
    "sessions.idleMinutes": p.sessions.idleMinutes,
    "sessions.absoluteHours": p.sessions.absoluteHours,
    attachmentMaxMb: p.attachmentMaxMb,
    "smartAlerts.keywords": p.smartAlerts.keywords.length,
    "smartAlerts.sendMode": p.smartAlerts.sendMode,
    "smartAlerts.allowSendAnyway": p.smartAlerts.allowSendAnyway,
    "subjectRule.mode": p.subjectRule.mode,
    "subjectRule.keywords": p.subjectRule.keywords.length,
  });
  const x = flat(a);
  const y = flat(b);
  for (const k of Object.keys(x)) if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) out[k] = { from: x[k], to: y[k] };
  return out;
}

/**
 * An admin changes their organisation's policies (issue 10, *Policies*): under the
 * organisation's row lock, the stored policy is updated and the change audited
 * (`organisation.policy_changed` with each changed member's old and new value). Switching
 * zero-access goes through setZeroAccess, which drops the staff's escrow copies when it is
 * switched on and audits that on its own.
 */
export async function changeOrgPolicies(
  t: Transaction,
  props: { admin: User; organisationId: string; patch: AdminPoliciesPatch; meta: RequestMeta },
): Promise<ChangeOrgPoliciesResult> {
  const { admin, organisationId, patch, meta } = props;
  const org = await lockOrganisation(t, organisationId);
  if (!org) return { kind: "not_found" };
  const before = adminPoliciesOf(org.policy);
  const next = applyPoliciesPatch(org, patch);
  const { defaultExpiryDays, longestExpiryDays } = adminPoliciesOf(next).messages;
  if (defaultExpiryDays && longestExpiryDays && defaultExpiryDays > longestExpiryDays)
    return { kind: "invalid", message: "messages.defaultExpiryDays: must not be longer than longestExpiryDays" };
  org.policy = next;
  org.changed("policy", true);
  await org.save({ transaction: t });
  const changes = differences(before, adminPoliciesOf(org.policy));
  if (Object.keys(changes).length > 0)
    await recordAudit(t, {
      type: "organisation.policy_changed",
      organisationId,
      actorId: admin.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { changes },
    });
  let escrowCopiesDropped: number | null = null;
  if (patch.zeroAccess !== undefined && patch.zeroAccess !== before.zeroAccess) {
    const result = await setZeroAccess(t, org, patch.zeroAccess, admin.id);
    escrowCopiesDropped = result.escrowCopiesDropped;
  }
  return { kind: "done", policies: adminPoliciesOf(org.policy), escrowCopiesDropped };
}
