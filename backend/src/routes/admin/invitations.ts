import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema, type Ctx } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError, NotFoundError, PayloadTooLargeError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { manageableRoles } from "../../policies/admin.js";
import { AdminInvitationSchema, presentAdminInvitation } from "../../presenters/invitation.js";
import { inviteProblemReasons, inviteUsers, type InviteProblem } from "../../commands/inviteUsers.js";
import { resendInvitation, revokeInvitation, type ManageInvitationResult } from "../../commands/manageInvitation.js";
import { invitationStatuses } from "../../services/invitations/invitationLink.js";
import {
  formatInvitationCursor,
  invitationCursorPattern,
  listInvitations,
  parseInvitationCursor,
} from "../../services/invitations/listInvitations.js";
import { INVITATION_CSV_MAX_BYTES, parseInvitationCsv } from "../../services/invitations/invitationCsv.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";

const ListQuery = z.object({
  status: z.enum(invitationStatuses).optional(),
  after: z.string().max(80).regex(invitationCursorPattern).optional().describe("The previous page's `next`"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const ListSchema = z.object({
  invitations: z.array(AdminInvitationSchema),
  next: z.string().nullable().describe("Pass as `after` for the next page; null on the last page"),
  total: z.number().int().describe("How many invitations match `status` (all pages)"),
});
const IdParams = z.object({ id: z.uuid() });
const InviteBody = z
  .object({
    email: z.email().max(320),
    mobile: z.string().trim().min(3).max(32).describe("With country code, e.g. +46 70 123 45 67"),
    name: z.string().trim().max(200).optional(),
    role: z.enum(manageableRoles),
  })
  .strict();
const OneSchema = z.object({ invitation: AdminInvitationSchema });
const ImportSchema = z.object({ invitations: z.array(AdminInvitationSchema) });
const ProblemSchema = z.object({
  line: z.number().int().describe("Line of the file (1 is the header)"),
  field: z.enum(["file", "email", "mobile", "role", "name"]),
  reason: z.enum([...inviteProblemReasons, "csv_malformed", "columns_missing", "no_rows", "too_many_rows"]),
});
const ImportErrorSchema = ErrorSchema.extend({ problems: z.array(ProblemSchema) });
const notFound = { description: "`not_found`: no such invitation in the admin's organisation", schema: ErrorSchema };
const closed = { description: "`invitation_closed`: already accepted, declined or revoked", schema: ErrorSchema };

const oneProblemError = (p: InviteProblem) => {
  if (p.reason === "mobile_invalid")
    return appError(
      "invalid_phone",
      "That is not a valid phone number; include the country code, e.g. +46 70 123 45 67",
    );
  if (p.reason === "user_exists") return appError("user_exists");
  if (p.reason === "invitation_exists") return appError("invitation_exists");
  return appError("validation_error", `${p.field}: ${p.reason}`);
};

async function readCsv(ctx: Ctx): Promise<string> {
  if (Number(ctx.get("Content-Length") || 0) > INVITATION_CSV_MAX_BYTES)
    throw PayloadTooLargeError(`The file is larger than ${INVITATION_CSV_MAX_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    bytes += b.length;
    if (bytes > INVITATION_CSV_MAX_BYTES)
      throw PayloadTooLargeError(`The file is larger than ${INVITATION_CSV_MAX_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function manage(ctx: Ctx, id: string, action: typeof resendInvitation | typeof revokeInvitation): Promise<void> {
  const admin = currentUser(ctx);
  const organisationId = adminOrg(admin);
  const result: ManageInvitationResult = await transaction((t) =>
    action(t, { admin, organisationId, invitationId: id, meta: requestMeta(ctx) }),
  );
  if (result.kind === "not_found") throw NotFoundError("No such invitation in your organisation");
  if (result.kind === "closed") throw appError("invitation_closed");
  const invitedBy = result.invitation.invitedById === admin.id ? admin : null;
  ctx.body = { invitation: presentAdminInvitation(result.invitation, invitedBy) };
}

/**
 * Invitations in the admin console (F23, issue 10): list, invite one, import a CSV file (all or
 * nothing, with a report of every bad row), resend and revoke. Audited; scoped to the admin's
 * organisation (another organisation's invitation is not found).
 */
export function adminInvitationRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/invitations",
      summary: "The organisation's invitations, newest first, with their status, a page at a time",
      tags: ["admin"],
      security: "session",
      query: ListQuery,
      before: adminRead,
      responses: { 200: { description: "Invitations", schema: ListSchema }, ...adminResponses },
    },
    async (ctx, { query }) => {
      const organisationId = adminOrg(currentUser(ctx));
      const after = query.after === undefined ? undefined : parseInvitationCursor(query.after);
      if (after === null) throw appError("validation_error", "after: not a cursor from `next`");
      const page = await listInvitations(organisationId, { status: query.status, after, limit: query.limit });
      ctx.body = {
        invitations: page.rows.map((r) => presentAdminInvitation(r.invitation, r.invitedBy)),
        next: page.next ? formatInvitationCursor(page.next) : null,
        total: page.total,
      };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/invitations",
      summary: "Invite one person (e-mail, mobile, name, role); the invitation e-mail goes out at once",
      tags: ["admin"],
      security: "session",
      body: InviteBody,
      before: adminWrite,
      responses: {
        201: { description: "The invitation", schema: OneSchema },
        ...adminResponses,
        409: {
          description: "`user_exists` (a member or another organisation's user) or `invitation_exists`",
          schema: ErrorSchema,
        },
        422: { description: "`invalid_phone`", schema: ErrorSchema },
      },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const result = await transaction((t) =>
        inviteUsers(t, {
          organisationId,
          inviter: admin,
          locale: admin.locale,
          rows: [{ email: body.email, mobile: body.mobile, name: body.name ?? null, role: body.role }],
          source: "form",
          meta: requestMeta(ctx),
        }),
      );
      if (!result.ok) throw oneProblemError(result.problems[0]);
      ctx.status = 201;
      ctx.body = { invitation: presentAdminInvitation(result.invitations[0], admin) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/invitations/import",
      summary:
        "Invite everyone in a CSV file (columns name, email, mobile, role); nothing is created if any row is bad",
      tags: ["admin"],
      security: "session",
      rawBody: {
        contentTypes: ["text/csv", "text/plain", "application/vnd.ms-excel"],
        description: `A UTF-8 CSV file with a header row, comma- or semicolon-separated, at most ${INVITATION_CSV_MAX_BYTES} bytes and 1000 rows`,
      },
      before: adminWrite,
      responses: {
        201: { description: "Every row was invited", schema: ImportSchema },
        ...adminResponses,
        413: { description: "`payload_too_large`", schema: ErrorSchema },
        415: { description: "`unsupported_media_type`: send text/csv", schema: ErrorSchema },
        422: {
          description:
            "`invitation_import_invalid`: `problems` lists each bad row (line, field, reason); nothing was created",
          schema: ImportErrorSchema,
        },
      },
    },
    async (ctx) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const parsed = parseInvitationCsv(await readCsv(ctx));
      if (!parsed.ok)
        throw appError("invitation_import_invalid", undefined, {
          details: { problems: [{ line: parsed.line, field: "file", reason: parsed.reason }] },
        });
      const result = await transaction((t) =>
        inviteUsers(t, {
          organisationId,
          inviter: admin,
          locale: admin.locale,
          rows: parsed.rows.map((r) => r.input),
          source: "import",
          meta: requestMeta(ctx),
        }),
      );
      if (!result.ok)
        throw appError("invitation_import_invalid", undefined, {
          details: {
            problems: result.problems.map((p) => ({
              line: parsed.rows[p.index].line,
              field: p.field,
              reason: p.reason,
            })),
          },
        });
      ctx.status = 201;
      ctx.body = { invitations: result.invitations.map((i) => presentAdminInvitation(i, admin)) };
    },
  );

  for (const [path, action, summary] of [
    ["resend", resendInvitation, "Send the invitation again with a new link; the old link stops working"],
    ["revoke", revokeInvitation, "Withdraw an open invitation; its link is refused from now on"],
  ] as const) {
    defineRoute(
      router,
      {
        method: "post",
        path: `/api/admin/invitations/:id/${path}`,
        summary,
        tags: ["admin"],
        security: "session",
        params: IdParams,
        before: adminWrite,
        responses: {
          200: { description: "The invitation after the change", schema: OneSchema },
          ...adminResponses,
          404: notFound,
          409: closed,
        },
      },
      async (ctx, { params }) => manage(ctx, params.id, action),
    );
  }
}
