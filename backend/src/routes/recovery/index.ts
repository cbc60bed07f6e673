import type Router from "@koa/router";
import { z } from "zod";
import { normaliseEmail } from "#shared/accountNames.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { loginAccountLimit } from "../../api/authLimits.js";
import { codeCheckIpLimit, limitPerKey, smsSendIpLimit } from "../../api/codeLimits.js";
import { InvalidCodeError, SentSchema } from "../../api/codeFields.js";
import { transaction } from "../../db.js";
import { AppError, appError } from "../../errors.js";
import { authenticated, authState } from "../../middlewares/authenticate.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { requestPasswordReset } from "../../commands/requestPasswordReset.js";
import { resetPasswordWithCode } from "../../commands/resetPasswordWithCode.js";
import { recoverWithoutAuthenticator } from "../../commands/recoverWithoutAuthenticator.js";
import { checkPasswordPolicy } from "../../services/passwordPolicy.js";
import { issueSmsCode } from "../../services/smsCodes.js";
import { maskPhone } from "../../services/phones.js";

const invalid = { description: "`invalid_code`", schema: ErrorSchema };
const limited = { description: "`rate_limited`, with Retry-After", schema: ErrorSchema };

function accountLocked(retryAfterSeconds: number | null): AppError {
  return appError(
    "account_locked",
    retryAfterSeconds === null
      ? "The account is locked. Reset your password to unlock it."
      : "The account is locked for a while. Try again later or reset your password.",
    retryAfterSeconds === null ? {} : { headers: { "Retry-After": String(Math.max(1, retryAfterSeconds)) } },
  );
}

export function recoveryRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/second-factor/sms",
      summary: "Send a sign-in SMS code to the primary mobile (during the second step of sign-in)",
      tags: ["auth"],
      security: "session",
      responses: {
        202: { description: "Sent", schema: SentSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        422: { description: "`no_phone`", schema: ErrorSchema },
        429: limited,
      },
      before: [smsSendIpLimit(), authenticated({ allowPartial: true })],
    },
    async (ctx) => {
      const { user } = authState(ctx);
      await limitPerKey("sms-send-user", "sendPerUser", user.id);
      await transaction((t) => issueSmsCode(t, user, "login"));
      ctx.status = 202;
      ctx.body = { sent: true, to: maskPhone(user.mobile) ?? "" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/password-reset",
      summary: "Forgot password: sends an SMS code to the account's mobile when the account exists; always 202",
      tags: ["auth"],
      security: "none",
      body: z.object({ email: z.string().trim().min(1).max(320) }),
      responses: {
        202: {
          description: "Accepted (whether or not the account exists)",
          schema: z.object({ next: z.literal("code") }),
        },
        429: limited,
      },
      before: [smsSendIpLimit()],
    },
    async (ctx, { body }) => {
      const email = normaliseEmail(body.email);
      await limitPerKey("password-reset-email", "resetPerEmail", email);
      await transaction((t) => requestPasswordReset(t, { email, meta: requestMeta(ctx) }));
      ctx.status = 202;
      ctx.body = { next: "code" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/password-reset/confirm",
      summary:
        "Set a new password with the SMS code or a one-time code; unlocks a locked account and signs out everywhere",
      tags: ["auth"],
      security: "none",
      body: z.object({
        email: z.string().trim().min(1).max(320),
        code: z.string().trim().min(1).max(32),
        password: z.string().min(1).max(1024),
      }),
      responses: {
        200: { description: "Password set; sign in with it", schema: z.object({ next: z.literal("sign_in") }) },
        400: invalid,
        422: {
          description:
            "Password policy: `password_too_short`, `password_too_long`, `password_needs_letters_and_digits`, `password_too_common`",
          schema: ErrorSchema,
        },
        429: limited,
      },
      before: [codeCheckIpLimit()],
    },
    async (ctx, { body }) => {
      const email = normaliseEmail(body.email);
      await limitPerKey("password-reset-check-email", "checkPerUser", email);
      await limitPerKey("password-reset-check-email-day", "resetChecksPerDay", email);
      const policy = checkPasswordPolicy(body.password, { email });
      if (!policy.ok) throw appError(policy.id, policy.message);
      const result = await transaction((t) =>
        resetPasswordWithCode(t, { email, code: body.code, password: body.password, meta: requestMeta(ctx) }),
      );
      if (result.kind === "invalid_code") throw InvalidCodeError();
      ctx.body = { next: "sign_in" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/recovery",
      summary:
        "Lost authenticator: finish sign-in with an SMS code (sent by …/second-factor/sms) or a one-time code; turns the authenticator off",
      tags: ["auth"],
      security: "session",
      body: z.object({ method: z.enum(["sms", "backup_code"]), code: z.string().trim().min(1).max(32) }),
      responses: {
        200: {
          description: "Signed in; the authenticator is off and should be turned on again",
          schema: z.object({
            next: z.literal("done"),
            totpDisabled: z.literal(true),
            notice: z.literal("turn_on_2fa_again"),
            message: z.string(),
          }),
        },
        400: invalid,
        401: { description: "`authentication_required`: no partial session", schema: ErrorSchema },
        409: { description: "`not_signing_in`: the session is already full", schema: ErrorSchema },
        423: { description: "`account_locked`", schema: ErrorSchema },
        429: limited,
      },
      before: [codeCheckIpLimit(), authenticated({ allowPartial: true })],
    },
    async (ctx, { body }) => {
      const auth = authState(ctx);
      if (auth.stage !== "partial")
        throw appError(
          "not_signing_in",
          "Recovery is for the second step of sign-in; use the security settings instead",
        );
      // The same per-account bucket as POST /api/auth/second-factor: the two cannot add up.
      await consumeRateLimit("second-factor-account", auth.user.id, loginAccountLimit);
      const result = await transaction((t) =>
        recoverWithoutAuthenticator(ctx, t, {
          user: auth.user,
          method: body.method,
          code: body.code,
          meta: requestMeta(ctx),
        }),
      );
      if (result.kind === "invalid_code") throw InvalidCodeError();
      if (result.kind === "locked") throw accountLocked(result.retryAfterSeconds);
      ctx.body = {
        next: "done",
        totpDisabled: true,
        notice: "turn_on_2fa_again",
        message:
          "You are signed in. Two-step verification with your authenticator app has been turned off: turn it on again under Security.",
      };
    },
  );
}
