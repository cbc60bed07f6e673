import { Readable } from "node:stream";
import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema, type Ctx } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { NotFoundError } from "../../errors.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { rateLimit } from "../../middlewares/rateLimit.js";
import { AuditEventSchema, presentAuditEvent } from "../../presenters/auditEvent.js";
import { auditPage, type AuditScope } from "../../services/audit/auditPage.js";
import { recordAudit } from "../../services/audit/recordAudit.js";
import { auditCsv, auditTypesOf, chainStatusFor, memberIdByEmail, peopleByIds } from "../../services/admin/auditLog.js";
import { memberOf } from "../../services/admin/orgUsers.js";
import { clock } from "../../services/clock.js";
import { adminOrg, adminRead, adminResponses } from "./common.js";

const FilterFields = z.object({
  userId: z.uuid().optional().describe("Events about or by this member"),
  email: z.email().max(320).optional().describe("Events about or by the member with this address"),
  type: z
    .string()
    .regex(/^[a-z0-9_.]{1,64}$/)
    .optional()
    .describe("One event type, e.g. login.failed"),
  from: z.coerce.date().optional().describe("From this instant (inclusive), ISO 8601"),
  to: z.coerce.date().optional().describe("Until this instant (exclusive), ISO 8601"),
});
const ordered = (f: { from?: Date; to?: Date }) => !f.from || !f.to || f.from < f.to;
const Filters = FilterFields.refine(ordered, { message: "from must be before to", path: ["to"] });
const PageQuery = FilterFields.extend({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).refine(ordered, { message: "from must be before to", path: ["to"] });
const PersonSchema = z.object({ id: z.string(), name: z.string().nullable(), email: z.string() }).nullable();
const AdminAuditEventSchema = AuditEventSchema.extend({ person: PersonSchema, actor: PersonSchema }).meta({
  id: "AdminAuditEvent",
});
const PageSchema = z.object({ events: z.array(AdminAuditEventSchema), nextBefore: z.number().nullable() });
const ChainSchema = z.object({
  intact: z.boolean(),
  checked: z.number(),
  reason: z.enum(["hash_mismatch", "broken_link", "newest_events_missing"]).nullable(),
  brokenAt: z
    .object({
      id: z.number(),
      type: z.string().nullable(),
      createdAt: z.string().nullable(),
      inOrganisation: z.boolean(),
    })
    .nullable(),
});

type FilterInput = z.infer<typeof Filters>;

/** The scope of the admin's filters; null when the person asked for is not a member (nothing to show). */
async function scopeOf(ctx: Ctx, f: FilterInput): Promise<AuditScope | null> {
  const organisationId = adminOrg(currentUser(ctx));
  let userId = f.userId;
  if (userId && !(await memberOf(organisationId, userId))) throw NotFoundError("No such member of your organisation");
  if (f.email) {
    const byEmail = await memberIdByEmail(organisationId, f.email);
    if (!byEmail || (userId && userId !== byEmail)) return null;
    userId = byEmail;
  }
  return { organisationId, userId, type: f.type, from: f.from, to: f.to };
}

/** The organisation's audit log (issue 10, *Audit log*). */
export function adminAuditRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/audit",
      summary: "The organisation's events, newest first: filter by person, type and period; keyset paging",
      tags: ["admin"],
      security: "session",
      query: PageQuery,
      before: adminRead,
      responses: {
        200: { description: "A page of events; pass `nextBefore` as `before`", schema: PageSchema },
        ...adminResponses,
        404: { description: "`not_found`: `userId` is not a member of the organisation", schema: ErrorSchema },
      },
    },
    async (ctx, { query }) => {
      const scope = await scopeOf(ctx, query);
      if (!scope) {
        ctx.body = { events: [], nextBefore: null };
        return;
      }
      const page = await auditPage(scope, query);
      const people = await peopleByIds(page.events.flatMap((e) => [e.userId, e.actorId]));
      ctx.body = {
        events: page.events.map((e) => ({
          ...presentAuditEvent(e),
          person: e.userId ? (people.get(e.userId) ?? null) : null,
          actor: e.actorId ? (people.get(e.actorId) ?? null) : null,
        })),
        nextBefore: page.nextBefore,
      };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/audit/types",
      summary: "The event types in the organisation's log (for the filter)",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: {
        200: { description: "`{types}`", schema: z.object({ types: z.array(z.string()) }) },
        ...adminResponses,
      },
    },
    async (ctx) => {
      ctx.body = { types: await auditTypesOf(adminOrg(currentUser(ctx))) };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/audit/export",
      summary: "The filtered events as a CSV file, streamed (the export itself is audited)",
      tags: ["admin"],
      security: "session",
      query: Filters,
      before: [
        rateLimit({ name: "admin-audit-export-ip", points: 10, durationSeconds: 60 }),
        authenticated({ roles: ["admin"] }),
      ],
      responses: {
        200: { description: "CSV (UTF-8, header row, newest first)", contentType: "text/csv" },
        ...adminResponses,
        404: { description: "`not_found`: `userId` is not a member of the organisation", schema: ErrorSchema },
      },
    },
    async (ctx, { query }) => {
      const admin = currentUser(ctx);
      const scope = await scopeOf(ctx, query);
      const meta = requestMeta(ctx);
      await transaction((t) =>
        recordAudit(t, {
          type: "admin.audit_exported",
          organisationId: adminOrg(admin),
          actorId: admin.id,
          ip: meta.ip,
          userAgent: meta.userAgent,
          data: {
            filters: {
              userId: query.userId ?? null,
              email: query.email ?? null,
              type: query.type ?? null,
              from: query.from?.toISOString() ?? null,
              to: query.to?.toISOString() ?? null,
            },
          },
        }),
      );
      const day = clock.now().toISOString().slice(0, 10);
      ctx.set("Content-Disposition", `attachment; filename="kuvert-audit-${day}.csv"`);
      ctx.set("Cache-Control", "no-store");
      ctx.type = "text/csv; charset=utf-8";
      ctx.body = scope
        ? Readable.from(auditCsv(scope))
        : Readable.from(["id,time,type,person,actor,ip,user_agent,data\r\n"]);
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/audit/verify",
      summary: "Verify the audit log's hash chain: intact, or where it breaks",
      tags: ["admin"],
      security: "session",
      before: [
        rateLimit({ name: "admin-audit-verify-ip", points: 10, durationSeconds: 60 }),
        authenticated({ roles: ["admin"] }),
      ],
      responses: { 200: { description: "The verification", schema: ChainSchema }, ...adminResponses },
    },
    async (ctx) => {
      ctx.body = await chainStatusFor(adminOrg(currentUser(ctx)));
    },
  );
}
