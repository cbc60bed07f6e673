import Koa from "koa";
import { env } from "./env.js";
import { requestId } from "./middlewares/requestId.js";
import { errorHandler } from "./middlewares/errorHandler.js";
import { securityHeaders } from "./middlewares/securityHeaders.js";
import { buildRouter } from "./routes/index.js";
import { registerInboundDeliveryStatus } from "./services/messages/inboundDeliveryStatus.js";
import { webApp } from "./middlewares/webApp.js";
import { addinStatic } from "./middlewares/addinStatic.js";

/** The Koa application: cross-cutting middleware, then the routes. */
export function createApp(): Koa {
  registerInboundDeliveryStatus();
  const app = new Koa({ proxy: env().TRUST_PROXY, maxIpsCount: env().TRUST_PROXY_HOPS });
  app.silent = true;
  const router = buildRouter();
  app.use(requestId());
  app.use(errorHandler());
  app.use(securityHeaders({ hsts: env().isProduction }));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  app.use(addinStatic());
  app.use(webApp());
  return app;
}
