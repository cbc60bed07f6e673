import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { db } from "../../db.js";
import { ServiceUnavailableError } from "../../errors.js";

const HealthSchema = z.object({ status: z.literal("ok") });

export function healthRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/health",
      summary: "Liveness and database check",
      tags: ["meta"],
      security: "none",
      responses: {
        200: { description: "The service and its database answer", schema: HealthSchema },
        503: { description: "The database does not answer", schema: ErrorSchema },
      },
    },
    async (ctx) => {
      try {
        await db().query("SELECT 1");
      } catch {
        throw ServiceUnavailableError("The database does not answer");
      }
      ctx.body = { status: "ok" };
    },
  );
}
