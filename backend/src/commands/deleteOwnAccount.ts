import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import type { SecondFactorMethod } from "../services/secondFactor.js";
import { verifySecret } from "../services/passwords.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { confirmSecurityChange } from "./confirmSecurityChange.js";
import { deleteAccount } from "./deleteAccount.js";

export interface DeleteOwnAccountProps {
  user: User;
  password: string;
  method: SecondFactorMethod;
  code: string;
  meta: RequestMeta;
}

export type DeleteOwnAccountResult = { kind: "deleted" } | { kind: "invalid_password" } | { kind: "invalid_code" };

/**
 * The owner deletes their account (F21): the password first (a wrong one is audited as
 * `account.delete_failed`), then a second factor, then `deleteAccount`. Failures are values;
 * commit `t` for them so the audit event and the spent try stay.
 */
export async function deleteOwnAccount(t: Transaction, props: DeleteOwnAccountProps): Promise<DeleteOwnAccountResult> {
  const { user, meta } = props;
  if (!(await verifySecret(props.password, user.passwordHash))) {
    await recordAudit(t, {
      type: "account.delete_failed",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { reason: "password" },
    });
    return { kind: "invalid_password" };
  }
  const result = await confirmSecurityChange(t, {
    user,
    meta,
    factor: { method: props.method, code: props.code },
    change: async (t) => {
      await deleteAccount(t, user, meta);
      return { value: null, audit: [] };
    },
  });
  return result.kind === "changed" ? { kind: "deleted" } : { kind: "invalid_code" };
}
