import type { Transaction } from "sequelize";
import type { Phone } from "../models/Phone.js";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { findPhone, verifyPhone } from "../services/phones.js";
import { recordAudit } from "../services/audit/recordAudit.js";

export interface VerifyPhoneNumberProps {
  user: User;
  phoneId: string;
  code: string;
  meta: RequestMeta;
}

export type VerifyPhoneNumberResult = { kind: "verified"; phone: Phone } | { kind: "invalid_code" };

/**
 * Verifies one of the user's phones with the SMS code sent to it; records `phone.verified` the
 * first time. A wrong code is `invalid_code` with the try written in `t` (commit it).
 */
export async function verifyPhoneNumber(
  t: Transaction,
  props: VerifyPhoneNumberProps,
): Promise<VerifyPhoneNumberResult> {
  const { user, meta } = props;
  const phone = await findPhone(t, user, props.phoneId);
  const wasVerified = Boolean(phone.verifiedAt);
  if (!(await verifyPhone(t, user, phone, props.code))) return { kind: "invalid_code" };
  if (!wasVerified) {
    await recordAudit(t, {
      type: "phone.verified",
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { phoneId: phone.id },
    });
  }
  return { kind: "verified", phone };
}
