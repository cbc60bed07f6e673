import crypto from "node:crypto";
import type Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import { defineRoute, ErrorSchema, type Ctx } from "../../api/route.js";
import { env } from "../../env.js";
import { PayloadTooLargeError, appError } from "../../errors.js";
import { processInboundMail } from "../../commands/processInboundMail.js";
import { rateLimit } from "../../middlewares/rateLimit.js";
import { inboundClassifications } from "../../services/inbound/classify.js";
import { INBOUND_MAX_BYTES } from "../../services/inbound/limits.js";
import { limits } from "../../api/limits.js";

const AcceptedSchema = z.object({ classification: z.enum(inboundClassifications) }).meta({ id: "InboundAccepted" });

const digest = (v: string) => crypto.createHash("sha256").update(v).digest();

/** Bearer INBOUND_TOKEN, compared in constant time; 401 when it is wrong or not configured. */
function inboundToken(): Middleware {
  return async (ctx, next) => {
    const expected = env().INBOUND_TOKEN;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get("Authorization"));
    const ok = !!expected && !!m && crypto.timingSafeEqual(digest(m[1]), digest(expected));
    if (!ok)
      throw appError("authentication_required", "A valid inbound token is required", {
        headers: { "WWW-Authenticate": "Bearer" },
      });
    await next();
  };
}

/** Reads the raw request body, refusing (413) more than `limit` bytes. */
async function readRaw(ctx: Ctx, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get("Content-Length") || 0);
  if (declared > limit) throw PayloadTooLargeError(`The message is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    bytes += b.length;
    if (bytes > limit) throw PayloadTooLargeError(`The message is larger than ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export function inboundRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/inbound/mail",
      summary: "Hand over one raw inbound e-mail (bounce, auto-reply, reply to a notification) from the MTA",
      tags: ["inbound"],
      security: "token",
      rawBody: { contentTypes: ["message/rfc822"], description: "The raw RFC 5322 message, at most 10 MiB" },
      responses: {
        202: { description: "Recorded and classified", schema: AcceptedSchema },
        400: { description: "Empty body", schema: ErrorSchema },
        401: { description: "Missing or wrong INBOUND_TOKEN", schema: ErrorSchema },
        413: { description: "Message too large", schema: ErrorSchema },
        415: { description: "Content-Type is not message/rfc822", schema: ErrorSchema },
        429: { description: "Too many requests from this address", schema: ErrorSchema },
      },
      // Generous for an MTA handing over bursts of bounces; still stops token guessing.
      before: [rateLimit({ name: "inbound-mail", ...limits.inbound }), inboundToken()],
    },
    async (ctx) => {
      const raw = await readRaw(ctx, INBOUND_MAX_BYTES);
      if (raw.length === 0) throw appError("validation_error", "body: the message is empty");
      const returnPath = ctx.get("X-Envelope-From");
      const result = await processInboundMail(raw, {
        via: "http",
        envelopeFrom: returnPath === "" ? undefined : returnPath === "<>" ? "" : returnPath,
      });
      ctx.status = 202;
      ctx.body = { classification: result.classification };
    },
  );
}
