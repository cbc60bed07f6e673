import Router from "@koa/router";
import { healthRoutes } from "./health/index.js";
import { metaRoutes } from "./meta/index.js";
import { authRoutes } from "./auth/index.js";
import { sessionRoutes } from "./sessions/index.js";
import { auditRoutes } from "./audit/index.js";
import { inboundRoutes } from "./inbound/index.js";

/** Route groups, mounted in this order. Add new groups to this list. */
const groups: Array<(router: Router) => void> = [healthRoutes, metaRoutes, inboundRoutes, authRoutes, sessionRoutes, auditRoutes];

export function buildRouter(): Router {
  const router = new Router();
  for (const mount of groups) mount(router);
  return router;
}
