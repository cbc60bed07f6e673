import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { auditPage, type AuditScope } from "../../services/audit/auditPage.js";
import { authenticated, authState } from "../../middlewares/authenticate.js";
import { AuditEventSchema, presentAuditEvent } from "../../presenters/auditEvent.js";

const PageQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const PageSchema = z.object({ events: z.array(AuditEventSchema), nextBefore: z.number().nullable() });

/** A page of events, newest first; pass `nextBefore` as `before` for the next page. */
async function page(scope: AuditScope, query: z.infer<typeof PageQuery>): Promise<z.infer<typeof PageSchema>> {
  const found = await auditPage(scope, query);
  return { events: found.events.map(presentAuditEvent), nextBefore: found.nextBefore };
}

export function auditRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/audit",
      summary: "My security events (sign-ins, failures, locks, password and 2FA changes…)",
      tags: ["account"],
      security: "session",
      query: PageQuery,
      responses: {
        200: { description: "A page of events, newest first", schema: PageSchema },
        401: { description: "Not signed in", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { query }) => {
      ctx.body = await page({ userId: authState(ctx).user.id }, query);
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/audit",
      summary: "Security events of my organisation (admins)",
      tags: ["admin"],
      security: "session",
      query: PageQuery.extend({ userId: z.uuid().optional() }),
      responses: {
        200: { description: "A page of events, newest first", schema: PageSchema },
        403: { description: "Not an admin", schema: ErrorSchema },
      },
      before: [authenticated({ roles: ["admin"] })],
    },
    async (ctx, { query }) => {
      const orgId = authState(ctx).user.organisationId;
      if (!orgId) {
        ctx.body = { events: [], nextBefore: null };
        return;
      }
      ctx.body = await page({ organisationId: orgId, userId: query.userId }, query);
    },
  );
}
