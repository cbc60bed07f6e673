import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { presentTemplate, TemplateSchema } from "../../presenters/template.js";
import { builtInTemplates, ownTemplates } from "../../services/messageTemplates/index.js";
import { adminOrg, adminRead, adminResponses } from "./common.js";

const AdminTemplate = TemplateSchema.extend({ id: z.uuid(), updatedAt: z.string() }).meta({ id: "AdminTemplate" });
const ListResponse = z.object({
  templates: z.array(AdminTemplate).describe("The organisation's own templates, Swedish first, then by name"),
  standardInUse: z
    .boolean()
    .describe("True while the organisation has none: staff are then offered the built-in standard texts"),
  standard: z.array(TemplateSchema).describe("The built-in standard texts (to add them back)"),
});

/**
 * The admin console's template list (F5, issue 10). Creating, changing and deleting use the
 * template API's admin routes (routes/templates: POST/PUT/DELETE /api/admin/templates…).
 */
export function adminTemplateRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/templates",
      summary: "The organisation's templates, for the admin console",
      tags: ["admin", "templates"],
      security: "session",
      before: adminRead,
      responses: {
        200: { description: "`{templates, standardInUse, standard}`", schema: ListResponse },
        ...adminResponses,
      },
    },
    async (ctx) => {
      const organisationId = adminOrg(currentUser(ctx));
      const own = await ownTemplates(organisationId);
      ctx.body = {
        templates: own.map((v) => ({ ...presentTemplate(v), id: v.id!, updatedAt: v.updatedAt.toISOString() })),
        standardInUse: own.length === 0,
        standard: builtInTemplates.map(presentTemplate),
      };
    },
  );
}
