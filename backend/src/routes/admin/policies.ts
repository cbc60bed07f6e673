import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError, NotFoundError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { optionNames } from "../../services/messages/orgPolicy.js";
import { adminPoliciesOf } from "../../services/admin/orgPolicies.js";
import { findOrganisation } from "../../services/admin/usage.js";
import { changeOrgPolicies } from "../../commands/changeOrgPolicies.js";
import { sessionTimeoutBounds } from "../../services/sessionTimeouts.js";
import { planAttachmentLimitBytes } from "../../services/attachments/limits.js";
import { smartAlertsLimits, smartAlertsSendModes } from "#shared/smartAlertsPolicy.js";
import { subjectRuleLimits, subjectRuleModes } from "#shared/subjectWarning.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";

/** Bounds an admin may set (safe for the product): the lockout never looser than 10 tries, nor a lock shorter than a minute. */
export const policyBounds = {
  lockoutThreshold: { min: 3, max: 10 },
  lockoutBaseDelaySeconds: { min: 60, max: 24 * 60 * 60 },
  defaultExpiryDays: { min: 1, max: 3650 },
  ...sessionTimeoutBounds,
} as const;

const Sessions = z.object({
  idleMinutes: z
    .number()
    .int()
    .min(policyBounds.idleMinutes.min)
    .max(policyBounds.idleMinutes.max)
    .nullable()
    .describe("A session ends after this many idle minutes; null: the operator's default"),
  absoluteHours: z
    .number()
    .int()
    .min(policyBounds.absoluteHours.min)
    .max(policyBounds.absoluteHours.max)
    .nullable()
    .describe("A session ends this many hours after sign-in at the latest; null: the operator's default"),
});
const AttachmentMaxMb = z
  .number()
  .int()
  .min(1)
  .nullable()
  .describe("Largest attachment in MB, at most the plan's (usage: attachmentLimitBytes); null: the plan's");

const Option = z.enum(optionNames);
const Defaults = z.object(
  Object.fromEntries(optionNames.map((n) => [n, z.boolean()])) as Record<(typeof optionNames)[number], z.ZodBoolean>,
);
const Lockout = z.object({
  threshold: z.number().int().min(policyBounds.lockoutThreshold.min).max(policyBounds.lockoutThreshold.max),
  mode: z
    .enum(["hard", "temporary"])
    .describe("hard: locked until a password reset or unlock; temporary: a growing delay"),
  baseDelaySeconds: z
    .number()
    .int()
    .min(policyBounds.lockoutBaseDelaySeconds.min)
    .max(policyBounds.lockoutBaseDelaySeconds.max)
    .describe("First delay of a temporary lock; doubles with each lock, at most 24 h"),
});
const Messages = z.object({
  defaults: Defaults,
  forced: z.array(Option).max(optionNames.length).describe("Security functions always on"),
  defaultExpiryDays: z
    .number()
    .int()
    .min(policyBounds.defaultExpiryDays.min)
    .max(policyBounds.defaultExpiryDays.max)
    .nullable(),
  longestExpiryDays: z
    .number()
    .int()
    .min(policyBounds.defaultExpiryDays.min)
    .max(policyBounds.defaultExpiryDays.max)
    .nullable()
    .describe("Longest a message may live; a later or missing expiry is shortened to it"),
});

const SmartAlerts = z.object({
  keywords: z
    .array(z.string().trim().min(1).max(smartAlertsLimits.keywordLength))
    .max(smartAlertsLimits.keywords)
    .describe("Words that make a message sensitive, beyond the built-in checks (case-insensitive)"),
  sendMode: z
    .enum(smartAlertsSendModes)
    .describe('softBlock: the alert stops the send; block: likewise, and never offers "Send anyway"'),
  allowSendAnyway: z.boolean().describe('With softBlock: the alert offers "Send anyway"'),
});

const SubjectRule = z.object({
  mode: z
    .enum(subjectRuleModes)
    .describe(
      "warn (default): the composers warn about a subject with personal data or a keyword; forbid: sending is refused until it is changed; off: no check",
    ),
  keywords: z
    .array(z.string().trim().min(1).max(subjectRuleLimits.keywordLength))
    .max(subjectRuleLimits.keywords)
    .describe("Organisation words not allowed in a subject, beyond the built-in checks (case-insensitive)"),
});

export const PoliciesSchema = z
  .object({
    zeroAccess: z.boolean(),
    requireSecondFactor: z
      .boolean()
      .describe("Staff and admins without an authenticator app must turn one on at their next sign-in"),
    lockout: Lockout,
    messages: Messages,
    subjectInNotifications: z.boolean(),
    sessions: Sessions,
    attachmentMaxMb: AttachmentMaxMb,
    smartAlerts: SmartAlerts,
    subjectRule: SubjectRule,
  })
  .meta({ id: "AdminPolicies" });

const PoliciesPatch = z
  .object({
    zeroAccess: z.boolean().optional(),
    confirmZeroAccess: z
      .literal(true)
      .optional()
      .describe("Required with zeroAccess: true — switching on deletes the escrow copies of the staff's keys"),
    requireSecondFactor: z.boolean().optional(),
    lockout: Lockout.partial().strict().optional(),
    messages: Messages.partial().strict().optional(),
    subjectInNotifications: z.boolean().optional(),
    sessions: Sessions.partial().strict().optional(),
    attachmentMaxMb: AttachmentMaxMb.optional(),
    smartAlerts: SmartAlerts.partial().strict().optional(),
    subjectRule: SubjectRule.partial().strict().optional(),
  })
  .strict()
  .refine((b) => b.zeroAccess !== true || b.confirmZeroAccess === true, {
    message: "switching zero-access on needs confirmZeroAccess: true (escrow copies are deleted)",
    path: ["confirmZeroAccess"],
  });

const ChangedSchema = z.object({
  policies: PoliciesSchema,
  escrowCopiesDropped: z
    .number()
    .nullable()
    .describe("When zero-access was switched on: escrow copies deleted now; otherwise null"),
});

/** The organisation's policies (issue 10, *Policies*): read and changed by its admins, audited. */
export function adminPolicyRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/policies",
      summary: "The organisation's policies as they apply now",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "The policies", schema: PoliciesSchema }, ...adminResponses },
    },
    async (ctx) => {
      const org = await findOrganisation(adminOrg(currentUser(ctx)));
      if (!org) throw NotFoundError();
      ctx.body = adminPoliciesOf(org.policy);
    },
  );

  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/admin/policies",
      summary: "Change the organisation's policies (only the members given; audited)",
      tags: ["admin"],
      security: "session",
      body: PoliciesPatch,
      before: adminWrite,
      responses: { 200: { description: "The policies after the change", schema: ChangedSchema }, ...adminResponses },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const { confirmZeroAccess: _confirmed, ...patch } = body;
      const planMb = Math.floor(planAttachmentLimitBytes() / (1024 * 1024));
      if (patch.attachmentMaxMb && patch.attachmentMaxMb > planMb)
        throw appError("validation_error", `attachmentMaxMb: at most ${planMb} (the plan's limit)`);
      const result = await transaction((t) =>
        changeOrgPolicies(t, { admin, organisationId, patch, meta: requestMeta(ctx) }),
      );
      if (result.kind === "not_found") throw NotFoundError();
      if (result.kind === "invalid") throw appError("validation_error", result.message);
      ctx.body = { policies: result.policies, escrowCopiesDropped: result.escrowCopiesDropped };
    },
  );
}
