import type { Transaction } from "sequelize";
import type { User } from "../models/User.js";
import { policiesFor } from "./orgPolicies.js";
import { checkSmsCode, type SmsCodePurpose } from "./smsCodes.js";
import { totpEnabled, totpStatus, verifyTotp } from "./totp.js";
import { maskPhone } from "./phones.js";
import { remainingBackupCodes, useBackupCode } from "./backupCodes.js";

export const secondFactorMethodNames = ["totp", "sms", "backup_code"] as const;
export type SecondFactorMethod = (typeof secondFactorMethodNames)[number];

/** The methods the user can use right now: an active authenticator, a mobile, unused codes. */
export async function availableMethods(user: User, t: Transaction | null): Promise<SecondFactorMethod[]> {
  const methods: SecondFactorMethod[] = [];
  if (await totpEnabled(user.id, t)) methods.push("totp");
  if (user.mobile) methods.push("sms");
  if ((await remainingBackupCodes(user.id, t)) > 0) methods.push("backup_code");
  return methods;
}

/**
 * True when the user's organisation requires two-step verification of its staff and admins
 * (policy requireSecondFactor) and the user has not turned it on: sign-in then opens only its
 * enrolment (a `setup` session).
 */
export async function secondFactorSetupDue(user: User, t: Transaction | null): Promise<boolean> {
  if (!user.organisationId || (user.role !== "staff" && user.role !== "admin")) return false;
  const policy = await policiesFor(user.organisationId, t);
  if (policy?.requireSecondFactor !== true) return false;
  return !(await totpEnabled(user.id, t));
}

/**
 * The second-factor methods offered at sign-in; [] when 2FA is off. 2FA is on while the user
 * has an active authenticator (TOTP); SMS to the primary mobile and one-time codes are then
 * accepted too (SPEC F16, F19).
 */
export async function secondFactorMethods(user: User, t: Transaction | null): Promise<SecondFactorMethod[]> {
  if (!(await totpEnabled(user.id, t))) return [];
  return availableMethods(user, t);
}

/**
 * Checks a second factor: a TOTP code (±1 step, never the same step twice), an SMS code of
 * `purpose` ("login" by default) or an unused one-time code (consumed). Tries are counted in
 * `t`: callers must commit `t` when this returns false (return a result, throw afterwards).
 */
export async function verifySecondFactor(
  t: Transaction,
  user: User,
  method: SecondFactorMethod,
  code: string,
  purpose: string = "login",
): Promise<boolean> {
  if (typeof code !== "string" || code.length === 0 || code.length > 64) return false;
  switch (method) {
    case "totp":
      return verifyTotp(t, user, code);
    case "sms":
      return checkSmsCode(t, user, purpose as SmsCodePurpose, code);
    case "backup_code":
      return useBackupCode(t, user.id, code);
    default:
      return false;
  }
}

/**
 * Confirms a sensitive change (phones, turning TOTP off, account deletion) with any factor the
 * user has, whether or not 2FA is on: SMS codes of purpose "confirm", TOTP or a one-time code.
 */
export async function verifyConfirmation(
  t: Transaction,
  user: User,
  method: SecondFactorMethod,
  code: string,
): Promise<boolean> {
  return verifySecondFactor(t, user, method, code, "confirm");
}

export interface SecondFactorStatus {
  /** 2FA is on: an authenticator app is active. */
  enabled: boolean;
  totp: { enabled: boolean; enabledAt: Date | null; enrolmentPending: boolean };
  /** Factors usable now (to confirm changes). */
  methods: SecondFactorMethod[];
  backupCodesRemaining: number;
  /** The primary mobile, masked; "" without one. */
  mobile: string;
}

/** The user's second factors as the security settings show them. */
export async function secondFactorStatus(user: User, t: Transaction | null): Promise<SecondFactorStatus> {
  const totp = await totpStatus(user.id, t);
  return {
    enabled: totp.enabled,
    totp,
    methods: await availableMethods(user, t),
    backupCodesRemaining: await remainingBackupCodes(user.id, t),
    mobile: maskPhone(user.mobile) ?? "",
  };
}
