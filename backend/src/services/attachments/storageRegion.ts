import { Organisation } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";

/** The sender's organisation's storage region (F26); users without one store in Sweden. */
export async function storageRegion(user: User): Promise<string> {
  if (!user.organisationId) return "se";
  const org = await Organisation.findByPk(user.organisationId, { attributes: ["id", "region"] });
  return org?.region ?? "se";
}
