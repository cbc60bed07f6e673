import type { Middleware, ParameterizedContext } from "koa";
import { RateLimitedError } from "../errors.js";
import { consumeRateLimit as consume, type RateLimitResult } from "../services/rateLimits.js";

type Lazy<T> = T | (() => T);
const value = <T>(v: Lazy<T>): T => (typeof v === "function" ? (v as () => T)() : v);

export interface RateLimitSpec {
  /** Bucket family, e.g. "login-ip". */
  name: string;
  /** Allowed requests per window; a function is read on each request (configurable limits). */
  points: Lazy<number>;
  durationSeconds: Lazy<number>;
  /** What is limited; default the client IP. */
  key?: (ctx: ParameterizedContext) => string;
}

/** Throws 429 `rate_limited` with Retry-After when the window is used up. */
export async function consumeRateLimit(
  name: string,
  key: string,
  opts: { points: Lazy<number>; durationSeconds: Lazy<number> },
): Promise<RateLimitResult> {
  const result = await consume(name, key, { points: value(opts.points), durationSeconds: value(opts.durationSeconds) });
  if (!result.allowed) throw RateLimitedError(result.retryAfterSeconds);
  return result;
}

/** Route middleware: counts each request against a shared, database-backed window. */
export function rateLimit(spec: RateLimitSpec): Middleware {
  return async (ctx, next) => {
    const key = spec.key ? spec.key(ctx) : ctx.ip;
    const result = await consumeRateLimit(spec.name, key, spec);
    ctx.set("RateLimit-Remaining", String(result.remaining));
    await next();
  };
}
