import type { ParameterizedContext } from "koa";
import type { RequestMeta } from "../services/lockout.js";

/** IP and user agent of the request, for audit events and session rows. */
export function requestMeta(ctx: ParameterizedContext): RequestMeta {
  return { ip: ctx.ip || null, userAgent: ctx.get("User-Agent").slice(0, 300) || null };
}
