import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import type { RequestMeta } from "../services/lockout.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { verifySecondFactor, type SecondFactorMethod } from "../services/secondFactor.js";
import type { SmsCodePurpose } from "../services/smsCodes.js";
import { confirmTotpEnrolment } from "../services/totp.js";
import { notifySecurityChange, type SecurityChange } from "./notifySecurityChange.js";

/**
 * The factor that confirms a change: any factor the user has (SMS codes of `purpose`,
 * "confirm" unless said otherwise), or the first code of a pending authenticator, which
 * confirms and activates it in one step.
 */
export type ConfirmingFactor =
  { method: SecondFactorMethod; code: string; purpose?: SmsCodePurpose } | { method: "totp_enrolment"; code: string };

/** An audit event of the change; the user, organisation and request meta are added. */
export interface ChangeAudit {
  type: string;
  data?: Record<string, unknown>;
}

/** What a change did: its value for the route, the events to record and the e-mail to send. */
export interface ChangeMade<T> {
  value: T;
  audit: ChangeAudit[];
  notify?: { event: SecurityChange; phone?: string | null; method?: string };
}

export interface ConfirmSecurityChangeProps<T, R extends string> {
  user: User;
  factor: ConfirmingFactor;
  meta: RequestMeta;
  /** Checked before the factor, so a change that cannot be made does not spend the code. */
  refuse?: (t: Transaction) => Promise<R | null>;
  /** Makes the change once the factor is right. Throwing rolls everything back, code included. */
  change: (t: Transaction) => Promise<ChangeMade<T>>;
}

export type ConfirmSecurityChangeResult<T, R extends string = never> =
  { kind: "changed"; value: T } | { kind: "invalid_code" } | { kind: R };

async function factorHolds(t: Transaction, user: User, factor: ConfirmingFactor): Promise<boolean> {
  if (factor.method === "totp_enrolment") return confirmTotpEnrolment(t, user, factor.code);
  return verifySecondFactor(t, user, factor.method, factor.code, factor.purpose ?? "confirm");
}

/**
 * The one sequence for a sensitive change to an account (phones, authenticator, one-time
 * codes, deletion): refuse early if the change cannot be made → check a second factor →
 * make the change → audit → notify the owner by e-mail. A wrong code comes back as
 * `invalid_code` with the try written in `t`: the caller commits `t` and answers afterwards.
 */
export async function confirmSecurityChange<T, R extends string = never>(
  t: Transaction,
  props: ConfirmSecurityChangeProps<T, R>,
): Promise<ConfirmSecurityChangeResult<T, R>> {
  const { user, meta } = props;
  const refused = props.refuse ? await props.refuse(t) : null;
  if (refused !== null) return { kind: refused };
  if (!(await factorHolds(t, user, props.factor))) return { kind: "invalid_code" };
  const made = await props.change(t);
  for (const event of made.audit) {
    await recordAudit(t, {
      type: event.type,
      organisationId: user.organisationId,
      userId: user.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: event.data,
    });
  }
  if (made.notify) {
    const { event, ...vars } = made.notify;
    await notifySecurityChange(t, user, event, vars);
  }
  return { kind: "changed", value: made.value };
}
