import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { NotFoundError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { findOrganisation, organisationUsage } from "../../services/admin/usage.js";
import { adminOrg, adminRead, adminResponses } from "./common.js";

const UsageSchema = z
  .object({
    organisation: z.object({ name: z.string(), plan: z.enum(["basic", "professional", "organisation"]) }),
    monthStart: z.string().describe("First instant of the month counted (UTC)"),
    messagesThisMonth: z.number(),
    topSenderThisMonth: z.number().describe("Most messages one member sent this month"),
    monthlyQuotaPerSender: z.number().nullable().describe("null: no monthly cap on the plan"),
    storageBytes: z.number().describe("Encrypted contents and attachments stored"),
    users: z.object({ active: z.number(), invited: z.number(), deactivated: z.number(), admins: z.number() }),
    attachmentLimitBytes: z.number(),
  })
  .meta({ id: "AdminUsage" });

/** Usage and plan (issue 10, F27). */
export function adminUsageRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/usage",
      summary: "The organisation's plan, use this month, storage, members and the limits that apply",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "Usage", schema: UsageSchema }, ...adminResponses },
    },
    async (ctx) => {
      const org = await findOrganisation(adminOrg(currentUser(ctx)));
      if (!org) throw NotFoundError();
      const usage = await organisationUsage(org);
      ctx.body = { ...usage, monthStart: usage.monthStart.toISOString() };
    },
  );
}
