import fs from "node:fs";
import path from "node:path";
import type { Middleware } from "koa";
import { addinBundleDir } from "#shared/build/paths.js";
import { officeJsOrigin, outlookFrameAncestors } from "#shared/officeHosts.js";
import { NotFoundError } from "../errors.js";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".png": "image/png",
};
const allowed = /^\/addin\/(?:[a-z0-9-]+\.(?:html|js)|assets\/icon-\d+\.png)$/;

/**
 * Serves the add-in's pages, scripts and icons under /addin/. Outlook embeds these pages and
 * fetches the icons from its own origin, so the strict defaults are relaxed here only: framing
 * by Outlook's hosts, office.js from Microsoft's CDN, icons readable cross-origin.
 */
export function addinStatic(dir = addinBundleDir): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/addin/")) return next();
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    if (!allowed.test(ctx.path)) throw NotFoundError();
    const file = path.join(dir, ctx.path.slice("/addin/".length));
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      throw NotFoundError();
    }
    const ext = path.extname(file);
    ctx.remove("X-Frame-Options");
    ctx.remove("Cross-Origin-Opener-Policy");
    ctx.set("Cross-Origin-Resource-Policy", "cross-origin");
    ctx.set(
      "Content-Security-Policy",
      `default-src 'self'; script-src 'self' ${officeJsOrigin}; connect-src 'self'; img-src 'self' data:; ` +
        `style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' ${outlookFrameAncestors.join(" ")}`,
    );
    ctx.set("Cache-Control", ext === ".png" ? "public, max-age=86400" : "no-cache");
    ctx.type = types[ext] ?? "application/octet-stream";
    ctx.body = body;
  };
}
