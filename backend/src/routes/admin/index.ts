import type Router from "@koa/router";
import { adminUserRoutes } from "./users.js";

/** The admin console's API (issue 10): /api/admin/…, admins of an organisation only. */
export function adminRoutes(router: Router): void {
  adminUserRoutes(router);
}
