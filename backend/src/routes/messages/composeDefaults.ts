import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { optionNames } from "../../services/messages/orgPolicy.js";
import { composeDefaultsFor } from "../../services/messages/composeDefaults.js";
import { limits, perUser } from "../../api/limits.js";
import { loadMembership } from "../../services/sharedMailboxes/membership.js";
import { subjectRuleModes } from "#shared/subjectWarning.js";

export const SubjectRuleSchema = z
  .object({ mode: z.enum(subjectRuleModes), keywords: z.array(z.string()) })
  .describe(
    "The organisation's subject rule (F24): warn about, or with forbid refuse, a subject with personal data or one of the keywords (shared/subjectWarning.ts checkSubjectRule); off: no check",
  );

const ComposeDefaultsQuery = z.object({
  mailbox: z
    .uuid()
    .optional()
    .describe(
      "Send as this shared mailbox (F25): the organisation signature is rendered for the mailbox (its name, address and organisation); 404 unless a member",
    ),
});

const OptionFlags = z.object(
  Object.fromEntries(optionNames.map((n) => [n, z.boolean()])) as Record<(typeof optionNames)[number], z.ZodBoolean>,
);
export const ComposeDefaultsResponse = z.object({
  defaults: OptionFlags.describe(
    "What a new message starts with for each security function (org default, else built-in)",
  ),
  forced: z.array(z.enum(optionNames)).describe("Always on by organisation policy; the composer shows them locked"),
  defaultExpiryDays: z.number().nullable().describe("Days until a new message expires by default, or null"),
  signature: z
    .string()
    .nullable()
    .describe(
      "The signature to offer (plain text): the personal one, else the organisation signature in default mode, rendered for the caller",
    ),
  mandatorySignature: z
    .object({
      version: z.number().describe("Send it as signatureVersion with the pre-encrypted form"),
      html: z.string().describe("Sanitised HTML, rendered for the caller (or the `mailbox` sent as)"),
      text: z.string(),
    })
    .nullable()
    .describe(
      "The organisation's mandatory signature: the server appends it to plaintext sends; a pre-encrypted send must append it before encrypting and declare its version",
    ),
  subjectRule: SubjectRuleSchema,
});

/**
 * What the web composer starts from (F4, F5): the organisation's defaults and forced security
 * functions, and the signature to offer. Registered before /api/messages/:id.
 */
export function composeDefaultsRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/compose-defaults",
      summary: "Organisation defaults, forced security functions and signature for a new message",
      tags: ["messages"],
      security: "session",
      query: ComposeDefaultsQuery,
      before: [authenticated(), perUser("compose-defaults-user", limits.apiUser)],
      responses: {
        200: {
          description: "`{defaults, forced, defaultExpiryDays, signature, mandatorySignature, subjectRule}`",
          schema: ComposeDefaultsResponse,
        },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        404: { description: "`not_found`: `mailbox` is not one the caller is a member of", schema: ErrorSchema },
      },
    },
    async (ctx, { query }) => {
      const user = currentUser(ctx);
      ctx.body = await transaction(async (t) => {
        const sender = query.mailbox ? (await loadMembership(user, query.mailbox, t)).identity : user;
        return composeDefaultsFor(t, user, sender);
      });
    },
  );
}
