import type { Transaction } from "sequelize";
import { Organisation, type OrgPolicy } from "../models/Organisation.js";

/**
 * The one reader of an organisation's stored policy row (the `policy` JSON) for services that
 * apply a single rule of it: two-step verification required, session timeouts, attachment limit.
 * Null without an organisation (a free recipient account) or when the organisation is gone; each
 * caller then applies the operator's or the plan's default. Read in `t` when given, so a sign-in
 * sees the policy its own transaction sees.
 */
export async function policiesFor(
  organisationId: string | null | undefined,
  t: Transaction | null = null,
): Promise<OrgPolicy | null> {
  if (!organisationId) return null;
  const org = await Organisation.findByPk(organisationId, { attributes: ["id", "policy"], transaction: t });
  return org?.policy ?? null;
}
