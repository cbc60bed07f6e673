import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { leavesNoAdmin, type ManageableRole } from "../policies/admin.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import {
  findManagedUser,
  hasTotp,
  lockOrganisation,
  otherActiveAdmins,
  replacePrimaryMobile,
} from "../services/admin/orgUsers.js";
import { revokeAllSessions } from "../services/sessions.js";
import { revokeAllApiTokens } from "../services/apiTokens.js";
import { unlockAccount, type RequestMeta } from "../services/lockout.js";
import { maskPhone } from "../services/phones.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { resetSecondFactor } from "./resetSecondFactor.js";
import { formatTime } from "./notifySecurityChange.js";

/** What an admin does to one member of their organisation (issue 10, *Users*). */
export type AdminUserAction =
  | { kind: "deactivate" }
  | { kind: "reactivate" }
  | { kind: "change_role"; role: ManageableRole }
  | { kind: "unlock" }
  | { kind: "reset_2fa" }
  | { kind: "change_mobile"; e164: string; country: string }
  | { kind: "sign_out_everywhere" };

export interface AdminUserActionProps {
  /** The acting admin; null for the operator's CLI (`kuvert user:deactivate`). */
  admin: User | null;
  organisationId: string;
  userId: string;
  action: AdminUserAction;
  meta: RequestMeta;
}

export type AdminUserActionResult =
  { kind: "done"; user: User; twoFactor: boolean; changed: boolean } | { kind: "not_found" } | { kind: "last_admin" };

/** The e-mail the person gets (templates/email/admin-change), by what happened to them. */
type Notice =
  | "deactivated"
  | "reactivated"
  | "role_changed"
  | "unlocked"
  | "second_factor_reset"
  | "mobile_changed"
  | "signed_out_everywhere";

async function notify(t: Transaction, user: User, event: Notice, vars: { role?: string; phone?: string } = {}) {
  await enqueueEmail(t, {
    to: user.email,
    template: "admin-change",
    locale: user.locale,
    vars: {
      name: user.name ?? "",
      event,
      role: vars.role ?? "",
      phone: vars.phone ?? "",
      at: formatTime(new Date(), user.locale),
    },
  });
}

/** Ends every session and API token of the user at once; returns how many of each. */
async function endAccess(t: Transaction, user: User): Promise<{ sessions: number; tokens: number }> {
  return { sessions: await revokeAllSessions(t, user.id), tokens: await revokeAllApiTokens(t, user.id) };
}

/**
 * An admin's change to a member of their own organisation, in one transaction: loads the
 * member under lock (another organisation's id or a recipient: not found), applies the change,
 * audits it with the admin as actor and e-mails the person through the outbox in their
 * language. Demoting or deactivating an active admin first takes the organisation's row lock
 * and counts the other active admins, so two concurrent demotions cannot both pass and leave
 * the organisation without one (`last_admin`). Deactivation ends the person's sessions and API
 * tokens in the same commit; their messages stay.
 */
export async function adminUserAction(t: Transaction, props: AdminUserActionProps): Promise<AdminUserActionResult> {
  const { admin, organisationId, userId, action, meta } = props;
  // The organisation lock first, then the member's row: every admin change takes them in this order.
  await lockOrganisation(t, organisationId);
  const user = await findManagedUser(t, organisationId, userId);
  if (!user) return { kind: "not_found" };
  const audit = (type: string, data: Record<string, unknown> = {}) =>
    recordAudit(t, {
      type,
      organisationId,
      userId: user.id,
      actorId: admin?.id ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data,
    });
  const after = {
    role: action.kind === "change_role" ? action.role : user.role,
    status: action.kind === "deactivate" ? ("deactivated" as const) : user.status,
  };
  if (leavesNoAdmin(user, after, await otherActiveAdmins(t, organisationId, user.id))) return { kind: "last_admin" };

  let changed = true;
  switch (action.kind) {
    case "deactivate": {
      if (user.status === "deactivated") {
        changed = false;
        break;
      }
      const previous = user.status;
      user.status = "deactivated";
      await user.save({ transaction: t });
      const ended = await endAccess(t, user);
      await audit("admin.user_deactivated", { previous, ...ended });
      await notify(t, user, "deactivated");
      break;
    }
    case "reactivate": {
      if (user.status !== "deactivated") {
        changed = false;
        break;
      }
      user.status = "active";
      await user.save({ transaction: t });
      await audit("admin.user_reactivated");
      await notify(t, user, "reactivated");
      break;
    }
    case "change_role": {
      if (user.role === action.role) {
        changed = false;
        break;
      }
      const previous = user.role;
      user.role = action.role;
      await user.save({ transaction: t });
      await audit("admin.user_role_changed", { from: previous, to: action.role });
      await notify(t, user, "role_changed", { role: action.role });
      break;
    }
    case "unlock": {
      changed = await unlockAccount(t, user, { reason: "admin", actorId: admin?.id ?? null, ...meta });
      if (changed) await notify(t, user, "unlocked");
      break;
    }
    case "reset_2fa": {
      await resetSecondFactor(t, user, { reason: "admin", actorId: admin?.id ?? null });
      await notify(t, user, "second_factor_reset");
      break;
    }
    case "change_mobile": {
      if (user.mobile === action.e164) {
        changed = false;
        break;
      }
      const previous = maskPhone(user.mobile);
      await replacePrimaryMobile(t, user, action.e164, action.country);
      await audit("admin.user_mobile_changed", { from: previous, to: maskPhone(action.e164) });
      await notify(t, user, "mobile_changed", { phone: maskPhone(action.e164) ?? "" });
      break;
    }
    case "sign_out_everywhere": {
      const ended = await endAccess(t, user);
      await audit("session.revoked_all", { count: ended.sessions, by: "admin" });
      if (ended.tokens > 0) await audit("token.revoked_all", { count: ended.tokens, reason: "admin" });
      await notify(t, user, "signed_out_everywhere");
      break;
    }
  }
  return { kind: "done", user, twoFactor: await hasTotp(t, user.id), changed };
}
