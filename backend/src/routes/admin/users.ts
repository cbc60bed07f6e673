import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema, type Ctx } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError, NotFoundError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { manageableRoles } from "../../policies/admin.js";
import { AdminUserSchema, presentAdminUser } from "../../presenters/adminUser.js";
import { adminUserStatuses, adminStatusOf, listOrgUsers } from "../../services/admin/orgUsers.js";
import { parsePhone } from "../../services/phones.js";
import { adminUserAction, type AdminUserAction } from "../../commands/adminUserAction.js";
import { adminOrg, adminRead, adminResponses, adminWrite, notFoundResponse } from "./common.js";

const ListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  role: z.enum(manageableRoles).optional(),
  status: z.enum(adminUserStatuses).optional(),
  after: z.string().max(320).optional().describe("The previous page's `next`"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const ListSchema = z.object({
  users: z.array(AdminUserSchema),
  next: z.string().nullable().describe("Pass as `after` for the next page; null on the last page"),
});
const IdParams = z.object({ id: z.uuid() });
const ActionSchema = z.object({
  user: AdminUserSchema,
  changed: z.boolean().describe("false when the member already was as asked (nothing recorded)"),
});
const RoleBody = z.object({ role: z.enum(manageableRoles) }).strict();
const MobileBody = z
  .object({
    mobile: z.string().trim().min(3).max(32).describe("With country code, e.g. +46 70 123 45 67"),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional()
      .describe("ISO country for a number without country code"),
  })
  .strict();

const lastAdmin = {
  description: "`last_admin`: the organisation's last active admin cannot be demoted or deactivated",
  schema: ErrorSchema,
};

async function act(ctx: Ctx, id: string, action: AdminUserAction): Promise<void> {
  const admin = currentUser(ctx);
  const organisationId = adminOrg(admin);
  const result = await transaction((t) =>
    adminUserAction(t, { admin, organisationId, userId: id, action, meta: requestMeta(ctx) }),
  );
  if (result.kind === "not_found") throw NotFoundError("No such member of your organisation");
  if (result.kind === "last_admin") throw appError("last_admin");
  ctx.body = {
    user: presentAdminUser(result.user, adminStatusOf(result.user), result.twoFactor),
    changed: result.changed,
  };
}

const simpleActions = [
  ["deactivate", "Deactivate: sign-in refused, sessions and API tokens end at once; messages stay", true],
  ["reactivate", "Reactivate a deactivated member", false],
  ["unlock", "Lift a sign-in lock", false],
  ["reset-2fa", "Turn off the member's authenticator and one-time codes", false],
  ["sign-out-everywhere", "End every session and API token of the member", false],
] as const;
const kindOf = {
  deactivate: "deactivate",
  reactivate: "reactivate",
  unlock: "unlock",
  "reset-2fa": "reset_2fa",
  "sign-out-everywhere": "sign_out_everywhere",
} as const;

/**
 * The admin console's users (issue 10): the organisation's admins and staff, and what an admin
 * does to them. Each change is audited with the admin as actor and e-mailed to the person.
 */
export function adminUserRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/users",
      summary: "The organisation's admins and staff: search, filter, keyset paging in e-mail order",
      tags: ["admin"],
      security: "session",
      query: ListQuery,
      before: adminRead,
      responses: { 200: { description: "A page of members", schema: ListSchema }, ...adminResponses },
    },
    async (ctx, { query }) => {
      const organisationId = adminOrg(currentUser(ctx));
      const page = await listOrgUsers(organisationId, { ...query, q: query.q || undefined });
      ctx.body = {
        users: page.users.map((r) => presentAdminUser(r.user, r.status, r.twoFactor)),
        next: page.next,
      };
    },
  );

  for (const [path, summary, guarded] of simpleActions) {
    defineRoute(
      router,
      {
        method: "post",
        path: `/api/admin/users/:id/${path}`,
        summary,
        tags: ["admin"],
        security: "session",
        params: IdParams,
        before: adminWrite,
        responses: {
          200: { description: "The member after the change", schema: ActionSchema },
          ...adminResponses,
          404: notFoundResponse,
          ...(guarded ? { 409: lastAdmin } : ({} as Record<number, never>)),
        },
      },
      async (ctx, { params }) => act(ctx, params.id, { kind: kindOf[path] }),
    );
  }

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/users/:id/role",
      summary: "Change a member's role (admin or staff)",
      tags: ["admin"],
      security: "session",
      params: IdParams,
      body: RoleBody,
      before: adminWrite,
      responses: {
        200: { description: "The member after the change", schema: ActionSchema },
        ...adminResponses,
        404: notFoundResponse,
        409: lastAdmin,
      },
    },
    async (ctx, { params, body }) => act(ctx, params.id, { kind: "change_role", role: body.role }),
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/users/:id/mobile",
      summary: "Change a member's mobile number (their primary phone for codes)",
      tags: ["admin"],
      security: "session",
      params: IdParams,
      body: MobileBody,
      before: adminWrite,
      responses: {
        200: { description: "The member after the change", schema: ActionSchema },
        ...adminResponses,
        400: { description: "`validation_error` or `invalid_phone`", schema: ErrorSchema },
        404: notFoundResponse,
      },
    },
    async (ctx, { params, body }) => {
      const parsed = parsePhone(body.mobile, body.country);
      if (!parsed)
        throw appError(
          "invalid_phone",
          "That is not a valid phone number; include the country code, e.g. +46 70 123 45 67",
        );
      await act(ctx, params.id, { kind: "change_mobile", e164: parsed.e164, country: parsed.country });
    },
  );
}
