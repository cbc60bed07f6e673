import type { Transaction } from "sequelize";
import { NotFoundError } from "../errors.js";
import { Contact } from "../models/Contact.js";
import type { User } from "../models/User.js";

/** Removes one of the caller's own contacts; anyone else's id is 404 (S4). */
export async function deleteContact(t: Transaction, owner: User, contactId: string): Promise<void> {
  const removed = await Contact.destroy({ where: { id: contactId, ownerId: owner.id }, transaction: t });
  if (!removed) throw NotFoundError("Contact not found");
}
