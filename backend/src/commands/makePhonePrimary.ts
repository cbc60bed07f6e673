import type { Transaction } from "sequelize";
import type { Phone } from "../models/Phone.js";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { findPhone, makePrimary, maskPhone } from "../services/phones.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { notifySecurityChange } from "./notifySecurityChange.js";

export interface MakePhonePrimaryProps {
  user: User;
  phoneId: string;
  meta: RequestMeta;
}

/**
 * Makes one of the user's verified phones the primary mobile (codes and notifications go
 * there), records `phone.primary_changed` and tells the owner by e-mail. Already primary: no change.
 */
export async function makePhonePrimary(t: Transaction, props: MakePhonePrimaryProps): Promise<Phone> {
  const { user, meta } = props;
  const phone = await findPhone(t, user, props.phoneId);
  if (phone.isPrimary) return phone;
  await makePrimary(t, user, phone);
  await recordAudit(t, {
    type: "phone.primary_changed",
    organisationId: user.organisationId,
    userId: user.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { phoneId: phone.id },
  });
  await notifySecurityChange(t, user, "primary_phone_changed", { phone: maskPhone(phone.e164) });
  return phone;
}
