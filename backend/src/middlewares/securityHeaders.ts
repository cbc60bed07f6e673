import type { Middleware } from "koa";

export interface SecurityHeaderOptions {
  hsts: boolean;
}

/** Strict defaults for every response (S5). Pages that need more relax it locally. */
export function securityHeaders(options: SecurityHeaderOptions): Middleware {
  return async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("X-Frame-Options", "DENY");
    ctx.set("Cross-Origin-Opener-Policy", "same-origin");
    ctx.set("Cross-Origin-Resource-Policy", "same-origin");
    ctx.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    ctx.set(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    if (options.hsts) ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    await next();
    if (ctx.path.startsWith("/api/")) ctx.set("Cache-Control", "no-store");
  };
}
