import type { Transaction } from "sequelize";
import { NotFoundError, appError } from "../errors.js";
import { Contact } from "../models/Contact.js";
import { normaliseEmail, type User } from "../models/User.js";
import { parsePhone } from "../services/phones.js";

export interface ContactInput {
  email?: string;
  name?: string | null;
  mobile?: string | null;
}

/** Most contacts one user may keep. */
export const MAX_CONTACTS = 5000;

function mobileOrThrow(mobile: string | null | undefined): string | null {
  if (!mobile) return null;
  const parsed = parsePhone(mobile, "SE");
  if (!parsed)
    throw appError("invalid_mobile", "The mobile number is not valid; use international form, e.g. +46701234567");
  return parsed.e164;
}

/**
 * Adds a contact (`contactId` null) or changes one of the caller's own (F13). A new or changed
 * mobile number is unverified until the contact proves it by SMS; the e-mail of an existing
 * contact cannot change (it is who the contact is). Others' ids are 404 (S4).
 */
export async function saveContact(
  t: Transaction,
  owner: User,
  contactId: string | null,
  input: ContactInput,
): Promise<Contact> {
  const mobile = input.mobile === undefined ? undefined : mobileOrThrow(input.mobile);
  const name = input.name === undefined ? undefined : input.name?.trim() || null;
  if (!contactId) {
    const email = normaliseEmail(input.email ?? "");
    if (await Contact.findOne({ where: { ownerId: owner.id, email }, transaction: t }))
      throw appError("contact_exists", "There is already a contact with that e-mail address");
    if ((await Contact.count({ where: { ownerId: owner.id }, transaction: t })) >= MAX_CONTACTS)
      throw appError("too_many_contacts", `At most ${MAX_CONTACTS} contacts`);
    return Contact.create(
      { ownerId: owner.id, email, name: name ?? null, mobile: mobile ?? null, verified: false },
      { transaction: t },
    );
  }
  const contact = await Contact.findOne({
    where: { id: contactId, ownerId: owner.id },
    transaction: t,
    lock: t.LOCK.UPDATE,
  });
  if (!contact) throw NotFoundError("Contact not found");
  if (name !== undefined) contact.name = name;
  if (mobile !== undefined && mobile !== contact.mobile) {
    contact.mobile = mobile;
    contact.verified = false;
  }
  await contact.save({ transaction: t });
  return contact;
}
