import crypto from "node:crypto";
import type { Middleware } from "koa";
import { logger } from "../logger.js";

const validId = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives each request an id (kept from X-Request-Id when well-formed), a child logger, and one
 * access-log line. Logs the matched route pattern, never the raw URL: paths like /r/{token}
 * and query strings can carry secrets (S6).
 */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("X-Request-Id");
    const id = validId.test(incoming) ? incoming : crypto.randomUUID();
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ requestId: id });
    ctx.set("X-Request-Id", id);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        {
          method: ctx.method,
          route: (ctx as { _matchedRoute?: string })._matchedRoute ?? "(unmatched)",
          status: ctx.status,
          ms: Math.round(ms),
        },
        "request",
      );
    }
  };
}
