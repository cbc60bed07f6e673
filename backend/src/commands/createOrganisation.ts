import type { Transaction } from "sequelize";
import { Organisation, type Region, type Plan } from "../models/Organisation.js";
import { appError } from "../errors.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { seedStandardTemplates } from "../services/messageTemplates/index.js";

export interface CreateOrganisationProps {
  name: string;
  region?: Region;
  plan?: Plan;
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return slug || "org";
}

/** Creates an organisation with the standard templates (F5) and audits it. */
export async function createOrganisation(t: Transaction, props: CreateOrganisationProps): Promise<Organisation> {
  const slug = slugify(props.name);
  if (await Organisation.findOne({ where: { slug }, transaction: t })) {
    throw appError("organisation_exists", `An organisation named "${props.name}" already exists`);
  }
  const org = await Organisation.create(
    { name: props.name, slug, region: props.region ?? "se", plan: props.plan ?? "organisation" },
    { transaction: t },
  );
  await seedStandardTemplates(t, org.id);
  await recordAudit(t, { type: "organisation.created", organisationId: org.id, data: { region: org.region } });
  return org;
}
