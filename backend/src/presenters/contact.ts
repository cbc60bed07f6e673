import type { Contact } from "../models/Contact.js";

/** A contact; `verified` means the mobile number was proven by SMS (a safe contact, F3/F13). */
export function presentContact(contact: Contact) {
  return {
    id: contact.id,
    email: contact.email,
    name: contact.name,
    mobile: contact.mobile,
    verified: contact.verified,
    createdAt: contact.createdAt.toISOString(),
  };
}
