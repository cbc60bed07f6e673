import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { lookupRecipientKeys } from "../../commands/lookupRecipientKeys.js";
import { RecipientSchema } from "../messages/schema.js";
import { limits, perUser } from "../../api/limits.js";

const LookupBody = z.object({ recipients: z.array(RecipientSchema).min(1).max(100) }).strict();
const LookupResponse = z.object({
  keys: z.array(
    z.object({
      email: z.string(),
      userId: z.string(),
      kid: z.string(),
      publicKey: z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string() }).loose(),
    }),
  ),
});

/** Public keys of recipients for the pre-encrypted (add-in) form and the web composer (F3). */
export function keyRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/keys/lookup",
      summary: "Public keys of recipients; unknown recipients get a pending identity",
      tags: ["messages"],
      security: "session",
      body: LookupBody,
      before: [authenticated(), perUser("keys-lookup-user", limits.keysLookupUser)],
      responses: {
        200: { description: "One public key (JWK) per distinct recipient", schema: LookupResponse },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        403: { description: "`plan_reply_only`: Basic accounts cannot address new people", schema: ErrorSchema },
        422: {
          description: "`mobile_required` (details.recipients lists who) or `invalid_mobile`",
          schema: ErrorSchema,
        },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const resolved = await transaction((t) => lookupRecipientKeys(t, user, body.recipients, requestMeta(ctx).ip));
      ctx.body = {
        keys: resolved.map((r) => ({
          email: r.email,
          userId: r.user.id,
          kid: r.publicKey.kid,
          publicKey: r.publicKey.toJSON(false),
        })),
      };
    },
  );
}
