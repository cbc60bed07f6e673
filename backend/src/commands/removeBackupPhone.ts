import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import type { SecondFactorMethod } from "../services/secondFactor.js";
import { findPhone, maskPhone, removePhone } from "../services/phones.js";
import { confirmSecurityChange } from "./confirmSecurityChange.js";

export interface RemoveBackupPhoneProps {
  user: User;
  phoneId: string;
  method: SecondFactorMethod;
  code: string;
  meta: RequestMeta;
}

export type RemoveBackupPhoneResult = { kind: "removed" } | { kind: "invalid_code" } | { kind: "phone_is_primary" };

/**
 * Removes one of the user's backup phones, confirmed with a second factor; the primary one is
 * refused before the code is checked (make another phone primary first). Unknown ids throw
 * `not_found`.
 */
export async function removeBackupPhone(
  t: Transaction,
  props: RemoveBackupPhoneProps,
): Promise<RemoveBackupPhoneResult> {
  const { user } = props;
  const phone = await findPhone(t, user, props.phoneId);
  const result = await confirmSecurityChange(t, {
    user,
    meta: props.meta,
    factor: { method: props.method, code: props.code },
    refuse: async () => (phone.isPrimary ? "phone_is_primary" : null),
    change: async (t) => {
      await removePhone(t, phone);
      return {
        value: null,
        audit: [{ type: "phone.removed", data: { phoneId: phone.id, confirmedWith: props.method } }],
        notify: { event: "phone_removed", phone: maskPhone(phone.e164) },
      };
    },
  });
  return result.kind === "changed" ? { kind: "removed" } : result;
}
