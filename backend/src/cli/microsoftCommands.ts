import { z } from "zod";
import { Organisation } from "../models/Organisation.js";
import { User, normaliseEmail } from "../models/User.js";
import { recordAudit } from "../services/audit/recordAudit.js";
import { slugify } from "../commands/createOrganisation.js";
import { connectEntraTenant } from "../commands/connectEntraTenant.js";
import { NotFoundError, appError } from "../errors.js";
import type { CliCommand } from "./commands.js";

/** Operator commands for Microsoft sign-in (listed in commands.ts). */
export const microsoftCommands: Record<string, CliCommand> = {
  "org:microsoft": {
    usage:
      "--org N --tenant <directory id>|none [--trust-mfa yes|no]   connect the org to its Entra ID tenant; whether Entra MFA (amr mfa) stands in for Kuvert 2FA",
    options: { org: { type: "string" }, tenant: { type: "string" }, "trust-mfa": { type: "string" } },
    required: ["org", "tenant"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      const tenant = v.tenant === "none" ? null : z.guid().safeParse(v.tenant).data;
      if (tenant === undefined)
        throw appError("invalid_argument", "--tenant: must be the tenant (directory) id, a GUID, or none");
      const trust = v["trust-mfa"];
      if (trust !== undefined && trust !== "yes" && trust !== "no")
        throw appError("invalid_argument", "--trust-mfa: yes or no");
      await connectEntraTenant(t, org, tenant, null, trust === undefined ? undefined : trust === "yes");
      return {
        organisation: org.name,
        entraTenantId: org.entraTenantId,
        ...(trust === undefined ? {} : { entraMfaSatisfiesSecondFactor: trust === "yes" }),
      };
    },
  },
  "user:microsoft-unlink": {
    usage:
      "--email E   forget the Microsoft account (Entra tid + oid) bound to a staff user; the next Microsoft sign-in binds again",
    options: { email: { type: "string" } },
    required: ["email"],
    async run(t, v) {
      const user = await User.findOne({ where: { email: normaliseEmail(v.email!) }, transaction: t });
      if (!user) throw NotFoundError(`No user with e-mail ${v.email}`);
      const was = { tenantId: user.entraTenantId ?? null, objectId: user.entraObjectId ?? null };
      user.entraTenantId = null;
      user.entraObjectId = null;
      await user.save({ transaction: t });
      await recordAudit(t, {
        type: "user.microsoft_unlinked",
        organisationId: user.organisationId,
        userId: user.id,
        data: { reason: "operator", ...was },
      });
      return { email: user.email, wasLinked: was.objectId !== null };
    },
  },
};
