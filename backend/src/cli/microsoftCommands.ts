import { z } from "zod";
import { Organisation } from "../models/Organisation.js";
import { slugify } from "../commands/createOrganisation.js";
import { connectEntraTenant } from "../commands/connectEntraTenant.js";
import { NotFoundError, appError } from "../errors.js";
import type { CliCommand } from "./commands.js";

/** Operator commands for Microsoft sign-in (listed in commands.ts). */
export const microsoftCommands: Record<string, CliCommand> = {
  "org:microsoft": {
    usage: "--org N --tenant <directory id>|none   connect the org to its Entra ID tenant",
    options: { org: { type: "string" }, tenant: { type: "string" } },
    required: ["org", "tenant"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      const tenant = v.tenant === "none" ? null : z.guid().safeParse(v.tenant).data;
      if (tenant === undefined)
        throw appError("invalid_argument", "--tenant: must be the tenant (directory) id, a GUID, or none");
      await connectEntraTenant(t, org, tenant);
      return { organisation: org.name, entraTenantId: org.entraTenantId };
    },
  },
};
