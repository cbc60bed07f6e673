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
  // The organisation's log for admins is in routes/admin/audit.ts.
}
