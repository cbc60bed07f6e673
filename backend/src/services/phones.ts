import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import type { Transaction } from "sequelize";
import { Phone } from "../models/Phone.js";
import { User } from "../models/User.js";
import { NotFoundError, appError } from "../errors.js";
import { clock } from "./clock.js";
import { checkSmsCode, issueSmsCode } from "./smsCodes.js";

export const MAX_PHONES = 5;

export interface ParsedPhone {
  e164: string;
  country: string;
}

/**
 * Validates a number with libphonenumber-js (full metadata): international form, or national
 * form with `defaultCountry` (ISO 3166-1 alpha-2, e.g. "SE"). Null when it is not a valid number.
 */
export function parsePhone(input: string, defaultCountry?: string): ParsedPhone | null {
  const country = defaultCountry?.toUpperCase() as CountryCode | undefined;
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(input.trim(), country);
  } catch {
    return null;
  }
  if (!parsed || !parsed.isValid() || !parsed.country) return null;
  return { e164: parsed.number, country: parsed.country };
}

/**
 * A number shown without revealing it whole, the one masked form everywhere (codes sent,
 * security e-mails, the recipient's ID check): the country calling code, five bullets (so the
 * length stays hidden) and the last two digits, e.g. `+46•••••67`. Null without a number.
 */
export function maskPhone(number: string | null | undefined): string | null {
  if (!number) return null;
  const parsed = parsePhoneNumberFromString(number);
  const prefix = parsed ? `+${parsed.countryCallingCode}` : number.slice(0, 3);
  const digits = parsed ? String(parsed.nationalNumber) : number.slice(3);
  return `${prefix}•••••${digits.slice(-2)}`;
}

export const phoneVerifyPurpose = (phoneId: string) => `phone_verify:${phoneId}` as const;

/**
 * The user's phones, primary first. Users created before phones existed (or by a flow that
 * only sets `users.mobile`) get their mobile as a verified primary phone on first use: it was
 * confirmed by SMS at registration or entered by an admin.
 */
export async function listPhones(t: Transaction, user: User): Promise<Phone[]> {
  const phones = await Phone.findAll({
    where: { userId: user.id },
    order: [
      ["isPrimary", "DESC"],
      ["createdAt", "ASC"],
    ],
    transaction: t,
  });
  if (phones.length > 0 || !user.mobile) return phones;
  const parsed = parsePhone(user.mobile);
  const primary = await Phone.create(
    {
      userId: user.id,
      e164: parsed?.e164 ?? user.mobile,
      countryCode: parsed?.country ?? "ZZ",
      name: "Mobile",
      verifiedAt: clock.now(),
      isPrimary: true,
    },
    { transaction: t },
  );
  return [primary];
}

export async function findPhone(t: Transaction, user: User, phoneId: string): Promise<Phone> {
  await listPhones(t, user);
  const phone = await Phone.findOne({ where: { id: phoneId, userId: user.id }, transaction: t });
  if (!phone) throw NotFoundError("No such phone");
  return phone;
}

/** Adds an unverified phone and sends it a verification code. The caller checked a second factor. */
export async function addPhone(
  t: Transaction,
  user: User,
  props: { number: string; country?: string; name: string },
): Promise<Phone> {
  const parsed = parsePhone(props.number, props.country);
  if (!parsed)
    throw appError(
      "invalid_phone",
      "That is not a valid phone number; include the country code, e.g. +46 70 123 45 67",
    );
  const phones = await listPhones(t, user);
  if (phones.some((p) => p.e164 === parsed.e164))
    throw appError("phone_exists", "That number is already on your account");
  if (phones.length >= MAX_PHONES) throw appError("too_many_phones", `At most ${MAX_PHONES} phones per account`);
  const phone = await Phone.create(
    {
      userId: user.id,
      e164: parsed.e164,
      countryCode: parsed.country,
      name: props.name,
      verifiedAt: null,
      isPrimary: false,
    },
    { transaction: t },
  );
  await issueSmsCode(t, user, phoneVerifyPurpose(phone.id), phone.e164);
  return phone;
}

/** Sends a new verification code to an unverified phone. */
export async function sendPhoneVerification(t: Transaction, user: User, phone: Phone): Promise<void> {
  if (phone.verifiedAt) throw appError("phone_already_verified", "That phone is already verified");
  await issueSmsCode(t, user, phoneVerifyPurpose(phone.id), phone.e164);
}

/** Sends a new verification code to one of the user's unverified phones; returns the phone. */
export async function resendPhoneVerification(t: Transaction, user: User, phoneId: string): Promise<Phone> {
  const phone = await findPhone(t, user, phoneId);
  await sendPhoneVerification(t, user, phone);
  return phone;
}

/** Checks the code sent to the phone; marks it verified. Commit `t` on false (tries count). */
export async function verifyPhone(t: Transaction, user: User, phone: Phone, code: string): Promise<boolean> {
  if (phone.verifiedAt) return true;
  const ok = await checkSmsCode(t, user, phoneVerifyPurpose(phone.id), code, { target: phone.e164 });
  if (ok) await phone.update({ verifiedAt: clock.now() }, { transaction: t });
  return ok;
}

/** Makes a verified phone the primary one; `users.mobile` mirrors it. */
export async function makePrimary(t: Transaction, user: User, phone: Phone): Promise<void> {
  if (!phone.verifiedAt) throw appError("phone_not_verified", "Verify the phone by SMS before making it primary");
  await Phone.update({ isPrimary: false }, { where: { userId: user.id }, transaction: t });
  await phone.update({ isPrimary: true }, { transaction: t });
  await User.update({ mobile: phone.e164 }, { where: { id: user.id }, transaction: t });
  user.mobile = phone.e164;
}

/** Removes a backup phone; the primary one cannot be removed (make another primary first). */
export async function removePhone(t: Transaction, phone: Phone): Promise<void> {
  if (phone.isPrimary)
    throw appError("phone_is_primary", "Make another verified phone primary before removing this one");
  await phone.destroy({ transaction: t });
}
