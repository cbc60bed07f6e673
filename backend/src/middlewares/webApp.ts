import fs from "node:fs";
import path from "node:path";
import type { Middleware } from "koa";
import { send } from "@koa/send";
import { projectRoot } from "#shared/build/paths.js";

/** Where `backend/web/build.ts` writes the web app (index.html and hashed assets/). */
export const webBundleDir = path.join(projectRoot, "dist", "web");

/** Client-side routes that exist; other paths get the app's friendly 404 page with status 404. */
const clientRoutes = [
  /^\/$/,
  /^\/login\/?$/,
  /^\/forgot-password\/?$/,
  /^\/recovery\/?$/,
  /^\/r\/[^/]+\/?$/,
  /^\/m\/[^/]+\/?$/,
  /^\/mailbox(\/.*)?$/,
  /^\/compose(\/.*)?$/,
  /^\/contacts(\/.*)?$/,
  /^\/settings(\/.*)?$/,
  /^\/admin(\/.*)?$/,
];

const serverPrefixes = ["/api/", "/health"];
const immutable = 365 * 24 * 60 * 60 * 1000;

/**
 * Serves the built web app: hashed files under /assets/ with a long immutable cache, and
 * index.html (never cached) for every other GET that is not an API or health path, so the
 * client router can take over. Mount after the API router.
 */
export function webApp(dir = webBundleDir): Middleware {
  const indexFile = path.join(dir, "index.html");
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") return next();
    if (serverPrefixes.some((p) => ctx.path === p.replace(/\/$/, "") || ctx.path.startsWith(p))) return next();
    if (ctx.path.startsWith("/assets/")) {
      ctx.vary("Accept-Encoding");
      await send(ctx, ctx.path, { root: dir, maxage: immutable, immutable: true });
      return;
    }
    const known = clientRoutes.some((r) => r.test(ctx.path));
    let html: Buffer;
    try {
      html = await fs.promises.readFile(indexFile);
    } catch {
      // Without a bundle only the app's own routes are "unavailable"; anything else is simply not here.
      if (!known) return next();
      ctx.status = 503;
      ctx.type = "text/plain";
      ctx.body = "The web app is not built yet. Run `npm run build` (npm start builds it automatically).\n";
      return;
    }
    ctx.status = known ? 200 : 404;
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Cache-Control", "no-cache");
    ctx.body = html;
  };
}
