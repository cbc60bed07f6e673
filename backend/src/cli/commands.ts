import type { Transaction } from "sequelize";
import { z } from "zod";
import { Organisation, regions } from "../models/Organisation.js";
import { roles } from "../models/User.js";
import { createOrganisation, slugify } from "../commands/createOrganisation.js";
import { createUser } from "../commands/createUser.js";
import { AppError, NotFoundError } from "../errors.js";

type Values = Record<string, string | undefined>;

export interface CliCommand {
  usage: string;
  options: Record<string, { type: "string" | "boolean" }>;
  required?: string[];
  run(t: Transaction, values: Values): Promise<unknown>;
}

function check<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError(400, "invalid_argument", `--${flag}: ${r.error.issues[0].message}`);
  return r.data;
}

/** The operator commands. Each runs in one transaction and returns JSON-able data. */
export const commands: Record<string, CliCommand> = {
  migrate: {
    usage: "apply pending database migrations",
    options: {},
    run: async () => ({ ok: true }),
  },
  "org:create": {
    usage: "--name N [--region se|de|us]",
    options: { name: { type: "string" }, region: { type: "string" } },
    required: ["name"],
    async run(t, v) {
      const org = await createOrganisation(t, {
        name: check(z.string().trim().min(1).max(200), v.name, "name"),
        region: check(z.enum(regions), v.region ?? "se", "region"),
      });
      return { id: org.id, name: org.name, slug: org.slug, region: org.region };
    },
  },
  "user:create": {
    usage: "--org N --email E --mobile M --password P [--role admin|staff] [--name N]",
    options: { org: { type: "string" }, email: { type: "string" }, mobile: { type: "string" }, password: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    required: ["org", "email", "mobile", "password"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      const user = await createUser(t, {
        organisation: org,
        email: check(z.email(), v.email, "email"),
        mobile: check(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be in E.164 form, e.g. +46701234567"), v.mobile, "mobile"),
        password: check(z.string().min(8).max(128), v.password, "password"),
        role: check(z.enum(roles.filter((r) => r !== "recipient") as ["admin", "staff"]), v.role ?? "staff", "role"),
        name: v.name ?? null,
      });
      return { id: user.id, email: user.email, role: user.role, organisation: org.name };
    },
  },
};
