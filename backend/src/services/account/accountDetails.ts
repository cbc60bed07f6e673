import type { Transaction } from "sequelize";
import { Organisation } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";
import type { UserSettings } from "../../models/UserSettings.js";
import { transaction } from "../../db.js";
import { settingsFor } from "../accountSettings.js";

/** The user's organisation; null for users without one (recipients, private accounts). */
export async function organisationOf(user: User, t?: Transaction): Promise<Organisation | null> {
  return user.organisationId ? Organisation.findByPk(user.organisationId, { transaction: t }) : null;
}

/** What the account page shows besides the user: the organisation and the settings (created on first use). */
export async function accountDetails(
  user: User,
): Promise<{ organisation: Organisation | null; settings: UserSettings }> {
  const organisation = await organisationOf(user);
  const settings = await transaction((t) => settingsFor(t, user.id));
  return { organisation, settings };
}
