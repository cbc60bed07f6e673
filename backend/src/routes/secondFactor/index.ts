import type Router from "@koa/router";
import { z } from "zod";
import QRCode from "qrcode";
import { type Ctx, defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { limitCodeChecksForUser, limitSmsForUser } from "../../api/codeLimits.js";
import { InvalidCodeError, noStore, SecondFactorFields, SentSchema } from "../../api/codeFields.js";
import { transaction } from "../../db.js";
import { appError, ForbiddenError } from "../../errors.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import {
  confirmSecurityChange,
  type ConfirmSecurityChangeProps,
  type ConfirmSecurityChangeResult,
} from "../../commands/confirmSecurityChange.js";
import { finishSecondFactorSetup } from "../../commands/finishSecondFactorSetup.js";
import { issueSmsCode } from "../../services/smsCodes.js";
import { disableTotp, startTotpEnrolment, totpStatus } from "../../services/totp.js";
import { generateBackupCodes, remainingBackupCodes } from "../../services/backupCodes.js";
import { secondFactorStatus } from "../../services/secondFactor.js";
import { maskPhone } from "../../services/phones.js";
import { presentSecondFactorStatus, SecondFactorStatusSchema } from "../../presenters/secondFactor.js";

const smsCodePurposes = ["totp_enable", "backup_codes", "confirm"] as const;

const EnrolmentSchema = z.object({
  secret: z.string().describe("Base32 secret, for typing into the app"),
  otpauthUri: z.string(),
  qrSvg: z.string(),
  qrDataUrl: z.string(),
});

/** Routes a setup session may use too: turning on the authenticator the organisation requires. */
const enrolment = authenticated({ allowSetup: true });

const invalid = { description: "`invalid_code`", schema: ErrorSchema };
const limited = { description: "`rate_limited`", schema: ErrorSchema };
const unauth = { description: "`authentication_required`", schema: ErrorSchema };

type Confirmed<T, R extends string> = Exclude<ConfirmSecurityChangeResult<T, R>, { kind: "invalid_code" }>;

/**
 * A change to the signed-in user's account that a code confirms (commands/confirmSecurityChange.ts):
 * the code check counts against the user before the transaction; a wrong code is 400
 * `invalid_code` once its try is committed. The change's value, or the refusal for the route.
 */
async function confirmChange<T, R extends string = never>(
  ctx: Ctx,
  props: Pick<ConfirmSecurityChangeProps<T, R>, "factor" | "refuse" | "change">,
): Promise<Confirmed<T, R>> {
  const user = currentUser(ctx);
  await limitCodeChecksForUser(user);
  const result = await transaction((t) => confirmSecurityChange(t, { user, meta: requestMeta(ctx), ...props }));
  if (result.kind === "invalid_code") throw InvalidCodeError();
  // A generic `R` keeps TypeScript from narrowing `invalid_code` out by itself.
  return result as Confirmed<T, R>;
}

export function secondFactorRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/2fa",
      summary: "Two-factor status: authenticator, usable factors, one-time codes left",
      tags: ["account"],
      security: "session",
      responses: { 200: { description: "Status", schema: SecondFactorStatusSchema }, 401: unauth },
      before: [enrolment],
    },
    async (ctx) => {
      ctx.body = presentSecondFactorStatus(await secondFactorStatus(currentUser(ctx), null));
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/2fa/sms-code",
      summary:
        "Send an SMS code to the primary mobile, to confirm turning on TOTP, new one-time codes or a sensitive change",
      tags: ["account"],
      security: "session",
      body: z.object({ purpose: z.enum(smsCodePurposes) }),
      responses: {
        202: { description: "Sent (valid 10 minutes, 5 tries)", schema: SentSchema },
        403: { description: "`forbidden`: during a required setup only purpose totp_enable", schema: ErrorSchema },
        422: { description: "`no_phone`", schema: ErrorSchema },
        429: limited,
      },
      before: [enrolment],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      if (authState(ctx).stage === "setup" && body.purpose !== "totp_enable") throw ForbiddenError();
      await limitSmsForUser(user);
      await transaction((t) => issueSmsCode(t, user, body.purpose));
      ctx.status = 202;
      ctx.body = { sent: true, to: maskPhone(user.mobile) ?? "" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/2fa/totp/start",
      summary:
        "Start turning on an authenticator app (needs an SMS code of purpose totp_enable); returns the secret and a QR code",
      tags: ["account"],
      security: "session",
      body: z.object({ smsCode: z.string().trim().min(1).max(16) }),
      responses: {
        200: { description: "Scan the QR code, then confirm with a first app code", schema: EnrolmentSchema },
        400: invalid,
        409: { description: "`totp_already_enabled`", schema: ErrorSchema },
        429: limited,
      },
      before: [enrolment],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const result = await confirmChange(ctx, {
        factor: { method: "sms", purpose: "totp_enable", code: body.smsCode },
        refuse: async (t) => ((await totpStatus(user.id, t)).enabled ? "totp_already_enabled" : null),
        change: async (t) => ({
          value: await startTotpEnrolment(t, user),
          audit: [{ type: "2fa.totp_enrolment_started" }],
        }),
      });
      if (result.kind === "totp_already_enabled")
        throw appError("totp_already_enabled", "An authenticator app is already active; turn it off first");
      const enrolment = result.value;
      noStore(ctx);
      ctx.body = {
        secret: enrolment.secret,
        otpauthUri: enrolment.otpauthUri,
        qrSvg: await QRCode.toString(enrolment.otpauthUri, { type: "svg", errorCorrectionLevel: "M", margin: 1 }),
        qrDataUrl: await QRCode.toDataURL(enrolment.otpauthUri, { errorCorrectionLevel: "M", margin: 1 }),
      };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/2fa/totp/confirm",
      summary: "Turn the authenticator on with a first code from the app",
      tags: ["account"],
      security: "session",
      body: z.object({ code: z.string().trim().min(1).max(16) }),
      responses: {
        200: {
          description: "Active; a setup session (required by the organisation) is now a full session",
          schema: z.object({ enabled: z.literal(true) }),
        },
        400: invalid,
        429: limited,
      },
      before: [enrolment],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitCodeChecksForUser(user);
      const result = await transaction(async (t) => {
        const confirmed = await confirmSecurityChange(t, {
          user,
          meta: requestMeta(ctx),
          factor: { method: "totp_enrolment", code: body.code },
          change: async () => ({
            value: null,
            audit: [{ type: "2fa.totp_enabled" }],
            notify: { event: "totp_enabled" },
          }),
        });
        if (confirmed.kind === "changed" && authState(ctx).stage === "setup")
          await finishSecondFactorSetup(ctx, t, { meta: requestMeta(ctx) });
        return confirmed;
      });
      if (result.kind === "invalid_code") throw InvalidCodeError();
      ctx.body = { enabled: true };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/2fa/totp/disable",
      summary:
        "Turn the authenticator off (needs a second factor: TOTP, an SMS code of purpose confirm, or a one-time code)",
      tags: ["account"],
      security: "session",
      body: z.object(SecondFactorFields),
      responses: {
        200: { description: "Off", schema: z.object({ enabled: z.literal(false) }) },
        400: invalid,
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await confirmChange(ctx, {
        factor: { method: body.method, code: body.code },
        change: async (t) =>
          (await disableTotp(t, user.id))
            ? {
                value: null,
                audit: [{ type: "2fa.totp_disabled", data: { method: body.method } }],
                notify: { event: "totp_disabled" },
              }
            : { value: null, audit: [] },
      });
      ctx.body = { enabled: false };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/backup-codes",
      summary:
        "Generate 10 new one-time codes (needs an SMS code of purpose backup_codes); shown once, the old set stops working",
      tags: ["account"],
      security: "session",
      body: z.object({ smsCode: z.string().trim().min(1).max(16) }),
      responses: {
        201: { description: "The codes; store them safely", schema: z.object({ codes: z.array(z.string()) }) },
        400: invalid,
        429: limited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const result = await confirmChange(ctx, {
        factor: { method: "sms", purpose: "backup_codes", code: body.smsCode },
        change: async (t) => {
          const codes = await generateBackupCodes(t, user.id);
          return {
            value: codes,
            audit: [{ type: "backup_codes.generated", data: { count: codes.length } }],
            notify: { event: "backup_codes_generated" },
          };
        },
      });
      noStore(ctx);
      ctx.status = 201;
      ctx.body = { codes: result.value };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/backup-codes",
      summary: "How many one-time codes are left",
      tags: ["account"],
      security: "session",
      responses: { 200: { description: "Count", schema: z.object({ remaining: z.number().int() }) }, 401: unauth },
      before: [authenticated()],
    },
    async (ctx) => {
      ctx.body = { remaining: await remainingBackupCodes(currentUser(ctx).id, null) };
    },
  );
}
