import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { limits, perUser } from "../../api/limits.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError, NotFoundError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import type { Organisation } from "../../models/Organisation.js";
import { findOrganisation } from "../../services/admin/usage.js";
import {
  applyDirectoryImport,
  directoryNewProblems,
  planDirectoryImport,
  recordDirectoryPreview,
} from "../../commands/directoryImport.js";
import { directoryConfigured, readGroupMembers } from "../../services/microsoft/directory.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";

const StatusSchema = z
  .object({
    configured: z.boolean().describe("The operator has set up the directory app registration (ENTRA_DIRECTORY_*)"),
    tenantId: z.string().nullable().describe("The organisation's Entra tenant (kuvert org:microsoft); null: none"),
    groupId: z.string().nullable().describe("The group last previewed or imported"),
    lastImportAt: z.string().nullable(),
  })
  .meta({ id: "AdminDirectoryStatus" });

const GroupBody = z.object({ groupId: z.guid().describe("The Entra group's object id") }).strict();
const ids = z.array(z.guid()).max(5000).default([]);
const ApplyBody = z
  .object({
    groupId: z.guid(),
    invite: ids.describe("Object ids of new members to invite (from the preview)"),
    update: ids.describe("Object ids of changed members to update"),
    deactivate: ids.describe("User ids of gone members to deactivate"),
  })
  .strict();

const PreviewSchema = z
  .object({
    groupId: z.string(),
    new: z.array(
      z.object({
        objectId: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        mobile: z.string().nullable(),
        problem: z.enum(directoryNewProblems).nullable().describe("Why this person cannot be invited; null: can be"),
      }),
    ),
    changed: z.array(
      z.object({
        objectId: z.string(),
        userId: z.string(),
        name: z.string().nullable(),
        email: z.string(),
        changes: z.array(z.object({ field: z.enum(["name", "mobile"]), from: z.string().nullable(), to: z.string() })),
      }),
    ),
    gone: z.array(
      z.object({
        userId: z.string(),
        name: z.string().nullable(),
        email: z.string(),
        role: z.string(),
        invited: z.boolean().describe("An open invitation, withdrawn instead of deactivating"),
        blocked: z.enum(["self"]).nullable().describe("`self`: the acting admin, never deactivated"),
      }),
    ),
    unchanged: z.number().int(),
  })
  .meta({ id: "AdminDirectoryPreview" });

const ApplySchema = z
  .object({
    invited: z.number().int(),
    updated: z.number().int(),
    deactivated: z.number().int(),
    skipped: z.array(
      z.object({ id: z.string(), reason: z.enum(["no_longer_applies", "cannot_invite", "self", "last_admin"]) }),
    ),
  })
  .meta({ id: "AdminDirectoryApplyResult" });

const directoryErrors = {
  409: {
    description: "`directory_not_configured`, or `directory_changed` (apply: nothing applied)",
    schema: ErrorSchema,
  },
  422: { description: "`directory_group_not_found`, `directory_too_large`", schema: ErrorSchema },
  502: {
    description:
      "`directory_auth_failed` (credential refused), `directory_permission_denied` (no admin consent), `directory_unavailable`",
    schema: ErrorSchema,
  },
  503: { description: "`directory_throttled`: Graph kept answering 429", schema: ErrorSchema },
};

async function ownOrganisation(organisationId: string): Promise<Organisation> {
  const org = await findOrganisation(organisationId);
  if (!org) throw NotFoundError();
  return org;
}

function tenantOf(org: Organisation): string {
  if (!directoryConfigured() || !org.entraTenantId) throw appError("directory_not_configured");
  return org.entraTenantId;
}

const writeChain = [...adminWrite, perUser("admin-directory-user", limits.adminUser)];

/**
 * Microsoft 365 directory import (issue 10): the connection's status, a preview of what an Entra
 * group would change (new, changed, gone) and applying it. The tenant is always the admin's own
 * organisation's; Graph is read with the operator's app registration (services/microsoft/directory.ts).
 */
export function adminDirectoryRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/directory",
      summary: "Whether the Microsoft 365 directory is connected, the group last used and the last import",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "Status", schema: StatusSchema }, ...adminResponses },
    },
    async (ctx) => {
      const org = await ownOrganisation(adminOrg(currentUser(ctx)));
      ctx.body = {
        configured: directoryConfigured() && Boolean(org.entraTenantId),
        tenantId: org.entraTenantId ?? null,
        groupId: org.directoryGroupId ?? null,
        lastImportAt: org.directoryImportedAt?.toISOString() ?? null,
      };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/directory/preview",
      summary:
        "Read an Entra group's members and show who is new, changed or gone; changes nothing but the group remembered",
      tags: ["admin"],
      security: "session",
      body: GroupBody,
      before: writeChain,
      responses: { 200: { description: "The preview", schema: PreviewSchema }, ...adminResponses, ...directoryErrors },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const org = await ownOrganisation(adminOrg(admin));
      const groupId = body.groupId.toLowerCase();
      const members = await readGroupMembers(tenantOf(org), groupId);
      const plan = await planDirectoryImport(undefined, {
        organisationId: org.id,
        actorId: admin.id,
        groupId,
        members,
      });
      await transaction((t) => recordDirectoryPreview(t, { admin, organisation: org, plan, meta: requestMeta(ctx) }));
      const { links: _links, ...shown } = plan;
      ctx.body = shown;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/directory/apply",
      summary: "Apply the confirmed part of a preview against a fresh reading of the group: invite, update, deactivate",
      tags: ["admin"],
      security: "session",
      body: ApplyBody,
      before: writeChain,
      responses: { 200: { description: "What was done", schema: ApplySchema }, ...adminResponses, ...directoryErrors },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const org = await ownOrganisation(adminOrg(admin));
      const groupId = body.groupId.toLowerCase();
      const members = await readGroupMembers(tenantOf(org), groupId);
      const lower = (a: string[]) => a.map((s) => s.toLowerCase());
      ctx.body = await transaction((t) =>
        applyDirectoryImport(t, {
          admin,
          organisationId: org.id,
          groupId,
          members,
          selection: { invite: lower(body.invite), update: lower(body.update), deactivate: lower(body.deactivate) },
          meta: requestMeta(ctx),
        }),
      );
    },
  );
}
