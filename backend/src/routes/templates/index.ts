import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { ForbiddenError, NotFoundError } from "../../errors.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { limits, perUser } from "../../api/limits.js";
import type { User } from "../../models/User.js";
import { templateAdminOrganisation } from "../../policies/templates.js";
import { presentTemplate, TemplateSchema } from "../../presenters/template.js";
import { templateLocales, templatesFor } from "../../services/messageTemplates/index.js";
import { createTemplate } from "../../commands/createTemplate.js";
import { changeTemplate } from "../../commands/changeTemplate.js";
import { deleteTemplate } from "../../commands/deleteTemplate.js";

const IdParams = z.object({ id: z.uuid() });
const TemplateBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    body: z.string().min(1).max(20_000),
    locale: z.enum(templateLocales),
  })
  .strict();
const TemplatePatch = TemplateBody.partial().strict();
const ListResponse = z.object({ templates: z.array(TemplateSchema) });

const denied = { description: "`forbidden`: not an admin of an organisation", schema: ErrorSchema };
const unauthenticated = { description: "`authentication_required`", schema: ErrorSchema };
const invalid = { description: "`validation_error`", schema: ErrorSchema };
const notFound = { description: "`not_found`: no such template in the caller's organisation", schema: ErrorSchema };

/** An admin acts only inside their own organisation (policies/templates.ts). */
function adminOrg(user: User): string {
  const organisationId = templateAdminOrganisation(user);
  if (!organisationId) throw ForbiddenError();
  return organisationId;
}

/**
 * Templates (F5): org text snippets the composers insert. Staff of an organisation list them;
 * its admins create, change and delete them. Another organisation's template is not found.
 */
export function templateRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/templates",
      summary: "The organisation's templates (or the built-in standard text while it has none)",
      tags: ["templates"],
      security: "session",
      before: [authenticated({ roles: ["admin", "staff"] }), perUser("templates-user", limits.apiUser)],
      responses: {
        200: { description: "`{templates}`", schema: ListResponse },
        401: unauthenticated,
        403: { description: "`forbidden`: recipients have no templates", schema: ErrorSchema },
      },
    },
    async (ctx) => {
      const user = currentUser(ctx);
      ctx.body = { templates: (await templatesFor(user.organisationId)).map(presentTemplate) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/templates",
      summary: "Add a template to the admin's organisation",
      tags: ["templates"],
      security: "session",
      body: TemplateBody,
      before: [authenticated({ roles: ["admin"] }), perUser("admin-templates-user", limits.adminUser)],
      responses: {
        201: { description: "The template", schema: TemplateSchema },
        400: invalid,
        401: unauthenticated,
        403: denied,
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const organisationId = adminOrg(user);
      const row = await transaction((t) =>
        createTemplate(t, { admin: user, organisationId, template: body, meta: requestMeta(ctx) }),
      );
      ctx.status = 201;
      ctx.body = presentTemplate({ id: row.id, name: row.name, body: row.body, locale: row.locale, builtIn: false });
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/templates/:id",
      summary: "Change a template of the admin's organisation",
      tags: ["templates"],
      security: "session",
      params: IdParams,
      body: TemplatePatch,
      before: [authenticated({ roles: ["admin"] }), perUser("admin-templates-user", limits.adminUser)],
      responses: {
        200: { description: "The template", schema: TemplateSchema },
        400: invalid,
        401: unauthenticated,
        403: denied,
        404: notFound,
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      const organisationId = adminOrg(user);
      const result = await transaction((t) =>
        changeTemplate(t, {
          admin: user,
          organisationId,
          templateId: params.id,
          changes: body,
          meta: requestMeta(ctx),
        }),
      );
      if (result.kind === "not_found") throw NotFoundError();
      const row = result.template;
      ctx.body = presentTemplate({ id: row.id, name: row.name, body: row.body, locale: row.locale, builtIn: false });
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/admin/templates/:id",
      summary: "Delete a template of the admin's organisation",
      tags: ["templates"],
      security: "session",
      params: IdParams,
      before: [authenticated({ roles: ["admin"] }), perUser("admin-templates-user", limits.adminUser)],
      responses: { 204: { description: "Deleted" }, 400: invalid, 401: unauthenticated, 403: denied, 404: notFound },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const organisationId = adminOrg(user);
      const result = await transaction((t) =>
        deleteTemplate(t, { admin: user, organisationId, templateId: params.id, meta: requestMeta(ctx) }),
      );
      if (result.kind === "not_found") throw NotFoundError();
      ctx.status = 204;
    },
  );
}
