import type { Transaction } from "sequelize";
import { z } from "zod";
import { Organisation, regions } from "../models/Organisation.js";
import { roles } from "../models/User.js";
import { createOrganisation, slugify } from "../commands/createOrganisation.js";
import { createUser } from "../commands/createUser.js";
import { NotFoundError, appError } from "../errors.js";
import { User, normaliseEmail } from "../models/User.js";
import { unlockAccount } from "../services/lockout.js";
import { resetSecondFactor } from "../commands/resetSecondFactor.js";
import { verifyAuditChain } from "../services/audit/auditChain.js";
import { checkPasswordPolicy } from "../services/passwordPolicy.js";
import { microsoftCommands } from "./microsoftCommands.js";
import { setZeroAccess } from "../commands/setZeroAccess.js";
import { moveOrganisationRegion } from "../commands/moveOrganisationRegion.js";
import { adminPoliciesOf } from "../services/admin/orgPolicies.js";
import { orgSignatureOf } from "../services/signatures/orgSignature.js";
import { inviteUsers } from "../commands/inviteUsers.js";
import { adminUserAction } from "../commands/adminUserAction.js";
import { ORPHAN_BLOB_GRACE_MS, reapBlobs, sweepOrphanBlobs } from "../jobs/blobReaper.js";

type Values = Record<string, string | undefined>;

export interface CliCommand {
  usage: string;
  options: Record<string, { type: "string" | "boolean" }>;
  required?: string[];
  run(t: Transaction, values: Values): Promise<unknown>;
}

/** An operator command for long work that commits step by step (resumable), outside one transaction. */
export interface StepwiseCliCommand {
  usage: string;
  options: Record<string, { type: "string" | "boolean" }>;
  required?: string[];
  runStepwise(values: Values): Promise<unknown>;
}

function check<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw appError("invalid_argument", `--${flag}: ${r.error.issues[0].message}`);
  return r.data;
}

function checkPassword(password: string, email: string): string {
  const r = checkPasswordPolicy(password, { email });
  if (!r.ok) throw appError(r.id, `--password: ${r.message}`);
  return password;
}

/** The operator commands. Each runs in one transaction and returns JSON-able data. */
export const commands: Record<string, CliCommand> = {
  "user:unlock": {
    usage: "--email E   lift a sign-in lock (audited)",
    options: { email: { type: "string" } },
    required: ["email"],
    async run(t, v) {
      const user = await User.findOne({ where: { email: normaliseEmail(v.email!) }, transaction: t });
      if (!user) throw NotFoundError(`No user with e-mail ${v.email}`);
      const wasLocked = await unlockAccount(t, user, { reason: "operator" });
      return { email: user.email, wasLocked, locked: false };
    },
  },
  "audit:verify": {
    usage: "check the audit log's hash chain",
    options: {},
    async run() {
      const result = await verifyAuditChain();
      if (!result.ok)
        throw appError(
          "audit_chain_broken",
          `The audit chain is broken at event ${result.brokenAt} (${result.reason})`,
        );
      return result;
    },
  },
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
  "user:reset-2fa": {
    usage: "--email E   turn off the user's authenticator and one-time codes (audited)",
    options: { email: { type: "string" } },
    required: ["email"],
    async run(t, v) {
      const user = await User.findOne({ where: { email: normaliseEmail(v.email!) }, transaction: t });
      if (!user) throw NotFoundError(`No user with e-mail ${v.email}`);
      const { totpWasEnabled } = await resetSecondFactor(t, user, { reason: "operator" });
      return { email: user.email, totpWasEnabled, twoFactor: "off" };
    },
  },
  "user:create": {
    usage: "--org N --email E --mobile M --password P [--role admin|staff] [--name N]",
    options: {
      org: { type: "string" },
      email: { type: "string" },
      mobile: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
    },
    required: ["org", "email", "mobile", "password"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      const user = await createUser(t, {
        organisation: org,
        email: check(z.email(), v.email, "email"),
        mobile: check(
          z.string().regex(/^\+[1-9]\d{6,14}$/, "must be in E.164 form, e.g. +46701234567"),
          v.mobile,
          "mobile",
        ),
        password: checkPassword(v.password!, v.email!),
        role: check(
          z.enum(roles.filter((r) => r === "admin" || r === "staff") as ["admin", "staff"]),
          v.role ?? "staff",
          "role",
        ),
        name: v.name ?? null,
      });
      return { id: user.id, email: user.email, role: user.role, organisation: org.name };
    },
  },
  "user:invite": {
    usage: "--org N --email E --mobile M --role staff|admin [--name N]   e-mail an invitation (F23)",
    options: {
      org: { type: "string" },
      email: { type: "string" },
      mobile: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
    },
    required: ["org", "email", "mobile", "role"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      const result = await inviteUsers(t, {
        organisationId: org.id,
        inviter: null,
        locale: "sv",
        rows: [{ email: v.email!, mobile: v.mobile!, role: v.role!, name: v.name ?? null }],
        source: "cli",
      });
      if (!result.ok) {
        const p = result.problems[0];
        if (p.reason === "user_exists") throw appError("user_exists");
        if (p.reason === "invitation_exists") throw appError("invitation_exists");
        throw appError("invalid_argument", `--${p.field}: ${p.reason}`);
      }
      const invitation = result.invitations[0];
      return {
        id: invitation.id,
        email: invitation.email,
        role: invitation.role,
        organisation: org.name,
        existingAccount: invitation.existingAccount,
        expiresAt: invitation.tokenExpiresAt.toISOString(),
      };
    },
  },
  "user:deactivate": {
    usage: "--email E   deactivate an organisation member: sign-in refused, sessions and tokens end (audited)",
    options: { email: { type: "string" } },
    required: ["email"],
    async run(t, v) {
      const user = await User.findOne({ where: { email: normaliseEmail(v.email!) }, transaction: t });
      if (!user || !user.organisationId) throw NotFoundError(`No organisation member with e-mail ${v.email}`);
      const result = await adminUserAction(t, {
        admin: null,
        organisationId: user.organisationId,
        userId: user.id,
        action: { kind: "deactivate" },
        meta: { ip: null, userAgent: "kuvert-cli" },
      });
      if (result.kind === "not_found") throw NotFoundError(`No organisation member with e-mail ${v.email}`);
      if (result.kind === "last_admin") throw appError("last_admin");
      return { email: result.user.email, status: result.user.status, changed: result.changed };
    },
  },
  "org:policy": {
    usage:
      "--org N --set zeroAccess=true|false   switch zero-access (on: staff escrow copies are deleted now, audited); --org N --show   print the organisation's policies and signature policy",
    options: { org: { type: "string" }, set: { type: "string" }, show: { type: "boolean" } },
    required: ["org"],
    async run(t, v) {
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) }, transaction: t });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      if (v.show !== undefined && v.set === undefined) {
        const { html, ...signature } = orgSignatureOf(org.policy);
        return { organisation: org.name, policies: adminPoliciesOf(org.policy), signature: { ...signature, html } };
      }
      if (v.set === undefined) throw appError("invalid_argument", "give --set zeroAccess=true|false or --show");
      const m = /^zeroAccess=(true|false)$/.exec(v.set!);
      if (!m) throw appError("invalid_argument", "--set: must be zeroAccess=true or zeroAccess=false");
      return { organisation: org.name, ...(await setZeroAccess(t, org, m[1] === "true")) };
    },
  },
  ...microsoftCommands,
};

/** The operator commands that are not one transaction. */
export const stepwiseCommands: Record<string, StepwiseCliCommand> = {
  "org:move-region": {
    usage:
      "--org N --to se|de|us   move the organisation's attachment ciphertext to another storage region (verified, resumable: run again after an interruption; audited)",
    options: { org: { type: "string" }, to: { type: "string" } },
    required: ["org", "to"],
    async runStepwise(v) {
      const to = check(z.enum(regions), v.to, "to");
      const org = await Organisation.findOne({ where: { slug: slugify(v.org!) } });
      if (!org) throw NotFoundError(`No organisation named "${v.org}"`);
      return moveOrganisationRegion(org.id, to);
    },
  },
  "blobs:sweep": {
    usage:
      "[--older-than-minutes M]   run the blob reaper and the orphan-blob sweep now (default M: 1440, as the hourly sweep; 0 only while no server is running)",
    options: { "older-than-minutes": { type: "string" } },
    async runStepwise(v) {
      const minutes = check(
        z.coerce.number().int().min(0).max(525_600),
        v["older-than-minutes"] ?? String(ORPHAN_BLOB_GRACE_MS / 60_000),
        "older-than-minutes",
      );
      let reaped = 0;
      for (let n = await reapBlobs(); n > 0; n = await reapBlobs()) reaped += n;
      const orphans = await sweepOrphanBlobs(new Date(), minutes * 60_000);
      return { reaped, orphans };
    },
  },
};
