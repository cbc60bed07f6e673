import type Router from "@koa/router";
import { z } from "zod";
import { type Ctx, defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { limitCodeChecksForUser, limitSmsForUser } from "../../api/codeLimits.js";
import { InvalidCodeError, SecondFactorFields, SentSchema } from "../../api/codeFields.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import {
  type ChangeAudit,
  confirmSecurityChange,
  type ConfirmingFactor,
} from "../../commands/confirmSecurityChange.js";
import type { Phone } from "../../models/Phone.js";
import { verifyPhoneNumber } from "../../commands/verifyPhoneNumber.js";
import { makePhonePrimary } from "../../commands/makePhonePrimary.js";
import { removeBackupPhone } from "../../commands/removeBackupPhone.js";
import { addPhone, listPhones, maskPhone, resendPhoneVerification } from "../../services/phones.js";
import { PhoneSchema, presentPhone } from "../../presenters/phone.js";

const IdParams = z.object({ id: z.uuid() });
const NewPhone = {
  mobile: z
    .string()
    .trim()
    .min(3)
    .max(32)
    .describe("International form (+46 70 123 45 67), or national with `country`"),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional()
    .describe("ISO 3166-1 alpha-2 for national numbers"),
  name: z.string().trim().min(1).max(100).default("Mobile"),
};
const invalid = { description: "`invalid_code`", schema: ErrorSchema };
const limited = { description: "`rate_limited`", schema: ErrorSchema };
const notFound = { description: "`not_found`", schema: ErrorSchema };

/**
 * Adds the phone once `factor` confirms it and answers 201 `{phone}` (its verification code is on
 * its way); the code check and the SMS count against the user first. 400 `invalid_code` once the
 * try is committed.
 */
async function addConfirmedPhone(
  ctx: Ctx,
  phone: { mobile: string; country?: string; name: string },
  factor: ConfirmingFactor,
  audit: (added: Phone) => ChangeAudit[],
): Promise<void> {
  const user = currentUser(ctx);
  await limitCodeChecksForUser(user);
  await limitSmsForUser(user);
  const result = await transaction((t) =>
    confirmSecurityChange(t, {
      user,
      meta: requestMeta(ctx),
      factor,
      change: async (t) => {
        const added = await addPhone(t, user, { number: phone.mobile, country: phone.country, name: phone.name });
        return {
          value: added,
          audit: audit(added),
          notify: { event: "phone_added", phone: maskPhone(added.e164) },
        };
      },
    }),
  );
  if (result.kind === "invalid_code") throw InvalidCodeError();
  ctx.status = 201;
  ctx.body = { phone: presentPhone(result.value) };
}

export function phoneRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/phones",
      summary: "My phones (primary first)",
      tags: ["account"],
      security: "session",
      responses: { 200: { description: "Phones", schema: z.object({ phones: z.array(PhoneSchema) }) } },
      before: [authenticated()],
    },
    async (ctx) => {
      const user = currentUser(ctx);
      const phones = await transaction((t) => listPhones(t, user));
      ctx.body = { phones: phones.map(presentPhone) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/phones",
      summary: "Add a backup phone (needs a second factor); an SMS code is sent to it for verification",
      tags: ["account"],
      security: "session",
      body: z.object({ ...NewPhone, ...SecondFactorFields }),
      responses: {
        201: { description: "Added, not yet verified", schema: z.object({ phone: PhoneSchema }) },
        400: invalid,
        409: { description: "`phone_exists`", schema: ErrorSchema },
        422: { description: "`invalid_phone`, `too_many_phones`", schema: ErrorSchema },
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      await addConfirmedPhone(ctx, body, { method: body.method, code: body.code }, (phone) => [
        { type: "phone.added", data: { phoneId: phone.id, confirmedWith: body.method } },
      ]);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/phones/replace-primary",
      summary:
        "Changed number: add a new mobile confirmed with a one-time code; verify it by SMS, then make it primary",
      tags: ["account"],
      security: "session",
      body: z.object({ ...NewPhone, backupCode: z.string().trim().min(1).max(32) }),
      responses: {
        201: {
          description: "Added; verify it with the SMS code, then POST …/primary",
          schema: z.object({ phone: PhoneSchema }),
        },
        400: invalid,
        422: { description: "`invalid_phone`", schema: ErrorSchema },
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      await addConfirmedPhone(ctx, body, { method: "backup_code", code: body.backupCode }, (phone) => [
        { type: "phone.added", data: { phoneId: phone.id, confirmedWith: "backup_code", replacesPrimary: true } },
        { type: "backup_code.used", data: { for: "phone_replace" } },
      ]);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/phones/:id/send-code",
      summary: "Send a new verification code to an unverified phone",
      tags: ["account"],
      security: "session",
      params: IdParams,
      responses: {
        202: { description: "Sent", schema: SentSchema },
        404: notFound,
        409: { description: "`phone_already_verified`", schema: ErrorSchema },
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      await limitSmsForUser(user);
      const phone = await transaction((t) => resendPhoneVerification(t, user, params.id));
      ctx.status = 202;
      ctx.body = { sent: true, to: maskPhone(phone.e164) ?? "" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/phones/:id/verify",
      summary: "Verify a phone with the SMS code sent to it",
      tags: ["account"],
      security: "session",
      params: IdParams,
      body: z.object({ code: z.string().trim().min(1).max(16) }),
      responses: {
        200: { description: "Verified", schema: z.object({ phone: PhoneSchema }) },
        400: invalid,
        404: notFound,
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      await limitCodeChecksForUser(user);
      const result = await transaction((t) =>
        verifyPhoneNumber(t, { user, phoneId: params.id, code: body.code, meta: requestMeta(ctx) }),
      );
      if (result.kind === "invalid_code") throw InvalidCodeError();
      ctx.body = { phone: presentPhone(result.phone) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/phones/:id/primary",
      summary: "Make a verified phone the primary mobile (codes and notifications go there)",
      tags: ["account"],
      security: "session",
      params: IdParams,
      responses: {
        200: { description: "Primary", schema: z.object({ phone: PhoneSchema }) },
        404: notFound,
        422: { description: "`phone_not_verified`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const phone = await transaction((t) => makePhonePrimary(t, { user, phoneId: params.id, meta: requestMeta(ctx) }));
      ctx.body = { phone: presentPhone(phone) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/account/phones/:id",
      summary: "Remove a backup phone (needs a second factor; the primary cannot be removed)",
      tags: ["account"],
      security: "session",
      params: IdParams,
      body: z.object(SecondFactorFields),
      responses: {
        204: { description: "Removed" },
        400: invalid,
        404: notFound,
        409: { description: "`phone_is_primary`", schema: ErrorSchema },
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      await limitCodeChecksForUser(user);
      const result = await transaction((t) =>
        removeBackupPhone(t, {
          user,
          phoneId: params.id,
          method: body.method,
          code: body.code,
          meta: requestMeta(ctx),
        }),
      );
      if (result.kind === "phone_is_primary")
        throw appError("phone_is_primary", "Make another verified phone primary before removing this one");
      if (result.kind === "invalid_code") throw InvalidCodeError();
      ctx.status = 204;
    },
  );
}
