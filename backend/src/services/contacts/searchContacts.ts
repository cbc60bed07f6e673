import { Contact } from "../../models/Contact.js";
import type { User } from "../../models/User.js";

/**
 * The owner's contacts (F13), sorted by name (else e-mail) in Swedish order; `q` keeps those
 * whose name, e-mail or mobile contains it, case-insensitively.
 */
export async function searchContacts(owner: User, q?: string): Promise<Contact[]> {
  const contacts = await Contact.findAll({ where: { ownerId: owner.id }, order: [["email", "ASC"]] });
  const needle = q?.toLocaleLowerCase("sv");
  const shown = needle
    ? contacts.filter((c) =>
        [c.email, c.name ?? "", c.mobile ?? ""].some((v) => v.toLocaleLowerCase("sv").includes(needle)),
      )
    : contacts;
  return shown.sort((a, b) => (a.name ?? a.email).localeCompare(b.name ?? b.email, "sv"));
}
