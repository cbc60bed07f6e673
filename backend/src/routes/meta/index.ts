import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { openApiDocument } from "../../api/openapi.js";
import { env } from "../../env.js";

export function metaRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/openapi.json",
      summary: "This API as an OpenAPI 3.1 document",
      tags: ["meta"],
      security: "none",
      responses: { 200: { description: "The OpenAPI document", schema: z.object({ openapi: z.string() }).loose() } },
    },
    async (ctx) => {
      ctx.body = openApiDocument(env().PUBLIC_URL);
    },
  );
}
