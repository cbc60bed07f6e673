import Router from "@koa/router";
import { healthRoutes } from "./health/index.js";
import { metaRoutes } from "./meta/index.js";
import { inboundRoutes } from "./inbound/index.js";

/** Route groups, mounted in this order. Add new groups to this list. */
const groups: Array<(router: Router) => void> = [healthRoutes, metaRoutes, inboundRoutes];

export function buildRouter(): Router {
  const router = new Router();
  for (const mount of groups) mount(router);
  return router;
}
