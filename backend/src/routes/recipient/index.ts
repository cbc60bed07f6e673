import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { env } from "../../env.js";
import { consumeRateLimit, rateLimit } from "../../middlewares/rateLimit.js";
import { startRecipientVerification } from "../../commands/startRecipientVerification.js";
import { verifyRecipientCode } from "../../commands/verifyRecipientCode.js";
import { registerRecipient } from "../../commands/registerRecipient.js";
import { assertLinkEmail, reportWrongNumber } from "../../commands/reportWrongNumber.js";
import { hashLinkToken } from "../../services/messages/linkTokens.js";
import { LinkRetiredError, linkKey, VERIFY_COOKIE, VERIFY_WINDOW_MS } from "../../services/messages/recipientLink.js";
import { limits, type Limit } from "../../api/limits.js";

const TokenParams = z.object({ token: z.string().min(1).max(100) });
const StartBody = z.object({ email: z.string().trim().min(3).max(320) }).strict();
const VerifyBody = z.object({ code: z.string().trim().min(1).max(16) }).strict();
const RegisterBody = z.object({ password: z.string().min(1).max(1024), acceptTerms: z.boolean() }).strict();

const linkErrors = {
  404: { description: "`invalid_link`", schema: ErrorSchema },
  410: {
    description: "`link_expired`: the message has expired; `link_retired`: too many wrong SMS codes in all",
    schema: ErrorSchema,
  },
  429: {
    description: "`rate_limited`, or `too_many_code_failures` (the link's wrong codes today), with Retry-After",
    schema: ErrorSchema,
  },
};

const TooManyCodeFailuresError = (retryAfterSeconds: number) =>
  appError("too_many_code_failures", "Too many wrong codes today; try again tomorrow", {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

const ipLimit = (name: string) => rateLimit({ name, ...limits.recipientIp });
/** Per link: resends and guesses are bounded whatever IPs they come from (S3). */
const perLink = (name: string, token: string, limit: Limit) =>
  consumeRateLimit(name, hashLinkToken(token).slice(0, 32), limit);

type LinkRef = Parameters<typeof verifyRecipientCode>[1];
type CookiePath = "/api/recipient" | "/api/shared";

/** The SMS code step, the same behind a personal and a shared link; the cookie binds the next step. */
async function verifyCodeStep(ctx: Context, ref: LinkRef, code: string, cookiePath: CookiePath): Promise<void> {
  const result = await transaction((t) => verifyRecipientCode(t, ref, code, requestMeta(ctx)));
  if (!result.ok) {
    if (result.reason === "retired") throw LinkRetiredError();
    if (result.reason === "too_many_today") throw TooManyCodeFailuresError(result.retryAfterSeconds);
    if (result.reason === "not_pending")
      throw appError("account_exists", "You already have an account; sign in instead");
    throw appError("invalid_code", "The code is wrong or no longer valid");
  }
  ctx.cookies.set(VERIFY_COOKIE, result.secret, {
    httpOnly: true,
    sameSite: "strict",
    secure: env().isProduction,
    path: cookiePath,
    maxAge: VERIFY_WINDOW_MS,
    overwrite: true,
  });
  ctx.body = { next: "set_password" };
}

/** The password step: needs this browser's code cookie; creates the account and signs in. */
async function registerStep(
  ctx: Context,
  ref: LinkRef,
  body: { password: string; acceptTerms: boolean },
  cookiePath: CookiePath,
): Promise<void> {
  if (!body.acceptTerms) throw appError("terms_not_accepted", "Accept the terms of use to continue");
  const verifySecret = ctx.cookies.get(VERIFY_COOKIE);
  const result = await transaction((t) =>
    registerRecipient(ctx, t, { token: ref, verifySecret, password: body.password, meta: requestMeta(ctx) }),
  );
  ctx.cookies.set(VERIFY_COOKIE, "", { httpOnly: true, path: cookiePath, maxAge: 0, overwrite: true });
  ctx.body = { next: "done", messageId: result.messageId };
}

/** The steps behind the link in the notification e-mail (F9), used by the web app's /r/{token} page. */
export function recipientRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/recipient/:token/start",
      summary: "Confirm the e-mail address a message was sent to; sends the SMS code to a first-time recipient",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: StartBody,
      before: [ipLimit("recipient-start-ip")],
      responses: {
        200: {
          description: "`sms_code` (code sent; calling again resends) or `sign_in` (the recipient has an account)",
          schema: z.union([
            z.object({ next: z.literal("sms_code"), mobile: z.string().nullable() }),
            z.object({ next: z.literal("sign_in") }),
          ]),
        },
        400: { description: "`email_mismatch` or `validation_error`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perLink("recipient-start-link", params.token, limits.recipientLinkSends);
      const result = await transaction((t) =>
        startRecipientVerification(t, params.token, body.email, requestMeta(ctx)),
      );
      if (result.next === "wait") throw TooManyCodeFailuresError(result.retryAfterSeconds);
      ctx.body = result;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/recipient/:token/verify",
      summary: "Check the SMS code of a first-time recipient",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: VerifyBody,
      before: [ipLimit("recipient-verify-ip")],
      responses: {
        200: {
          description: "Code right: choose a password next (a short-lived cookie binds the next step to this browser)",
          schema: z.object({ next: z.literal("set_password") }),
        },
        400: { description: "`invalid_code` (wrong, used, expired or too many tries)", schema: ErrorSchema },
        409: { description: "`account_exists`: sign in instead", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perLink("recipient-verify-link", params.token, limits.recipientLinkChecks);
      await verifyCodeStep(ctx, params.token, body.code, "/api/recipient");
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/recipient/:token/register",
      summary: "Choose a password and accept the terms: creates the free Basic account and signs in",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: RegisterBody,
      before: [ipLimit("recipient-register-ip")],
      responses: {
        200: {
          description: "Signed in (session cookie); the message is readable",
          schema: z.object({ next: z.literal("done"), messageId: z.string() }),
        },
        400: {
          description: "`terms_not_accepted` or a password policy id (`password_too_short`, ...)",
          schema: ErrorSchema,
        },
        403: {
          description: "`verification_required`: the SMS code was not confirmed in this browser",
          schema: ErrorSchema,
        },
        409: { description: "`account_exists`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perLink("recipient-register-link", params.token, limits.recipientLinkChecks);
      await registerStep(ctx, params.token, body, "/api/recipient");
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/recipient/:token/wrong-number",
      summary: "Notify the sender: the SMS code went to a number that is not the recipient's",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: StartBody,
      before: [ipLimit("recipient-wrong-number-ip")],
      responses: {
        202: {
          description: "The sender is told by e-mail (once per link and day)",
          schema: z.object({ notified: z.literal(true) }),
        },
        400: { description: "`email_mismatch`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perLink("recipient-wrong-number-tries", params.token, limits.recipientLinkSends);
      await assertLinkEmail(params.token, body.email);
      await consumeRateLimit("recipient-wrong-number-link", hashLinkToken(params.token).slice(0, 32), {
        points: 1,
        durationSeconds: 24 * 60 * 60,
      });
      await transaction((t) => reportWrongNumber(t, params.token, body.email, requestMeta(ctx)));
      ctx.status = 202;
      ctx.body = { notified: true };
    },
  );
}

const SharedStartBody = z.object({ email: z.string().trim().min(3).max(320) }).strict();
const SharedVerifyBody = z
  .object({ email: z.string().trim().min(3).max(320), code: z.string().trim().min(1).max(16) })
  .strict();
const SharedRegisterBody = z
  .object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024), acceptTerms: z.boolean() })
  .strict();

const sharedIpLimit = (name: string) => rateLimit({ name, ...limits.recipientIp });
/** Every step through one shared link counts against it, whoever takes it (RATE_LIMIT_SHARED_LINK_POINTS). */
const perSharedLink = (token: string) =>
  consumeRateLimit("shared-link", linkKey({ shared: token, email: "" }), limits.sharedLink);
/** …and per address named through it, as a personal link counts (its recipient's sends and checks). */
const perSharedAddress = (name: string, token: string, email: string, limit: Limit) =>
  consumeRateLimit(name, hashLinkToken(`${token}\n${email.trim().toLowerCase()}`).slice(0, 32), limit);

/**
 * The shared link (/m/{token}) of a message whose Outlook item was its notification (issue 12):
 * the same steps as the personal link, each naming the address the message was sent to. An
 * address that is not among the message's recipients is refused (`email_mismatch`).
 */
export function sharedLinkRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/shared/:token/start",
      summary:
        "Shared link: confirm one of the message's recipient addresses; sends a first-time recipient the SMS code",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: SharedStartBody,
      before: [sharedIpLimit("shared-start-ip")],
      responses: {
        200: {
          description: "`sms_code` (code sent to that recipient's mobile) or `sign_in` (the recipient has an account)",
          schema: z.union([
            z.object({ next: z.literal("sms_code"), mobile: z.string().nullable() }),
            z.object({ next: z.literal("sign_in") }),
          ]),
        },
        400: { description: "`email_mismatch` (not a recipient) or `validation_error`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perSharedLink(params.token);
      await perSharedAddress("shared-start-address", params.token, body.email, limits.recipientLinkSends);
      const ref = { shared: params.token, email: body.email };
      const result = await transaction((t) => startRecipientVerification(t, ref, body.email, requestMeta(ctx)));
      if (result.next === "wait") throw TooManyCodeFailuresError(result.retryAfterSeconds);
      ctx.body = result;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/shared/:token/verify",
      summary: "Shared link: check the SMS code of a first-time recipient",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: SharedVerifyBody,
      before: [sharedIpLimit("shared-verify-ip")],
      responses: {
        200: {
          description: "Code right: choose a password next (a short-lived cookie binds the next step to this browser)",
          schema: z.object({ next: z.literal("set_password") }),
        },
        400: { description: "`invalid_code` or `email_mismatch`", schema: ErrorSchema },
        409: { description: "`account_exists`: sign in instead", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perSharedLink(params.token);
      await perSharedAddress("shared-verify-address", params.token, body.email, limits.recipientLinkChecks);
      await verifyCodeStep(ctx, { shared: params.token, email: body.email }, body.code, "/api/shared");
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/shared/:token/register",
      summary: "Shared link: choose a password and accept the terms; creates the free Basic account and signs in",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: SharedRegisterBody,
      before: [sharedIpLimit("shared-register-ip")],
      responses: {
        200: {
          description: "Signed in (session cookie); the message is readable",
          schema: z.object({ next: z.literal("done"), messageId: z.string() }),
        },
        400: { description: "`terms_not_accepted`, `email_mismatch` or a password policy id", schema: ErrorSchema },
        403: {
          description: "`verification_required`: the SMS code was not confirmed in this browser",
          schema: ErrorSchema,
        },
        409: { description: "`account_exists`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perSharedLink(params.token);
      await perSharedAddress("shared-register-address", params.token, body.email, limits.recipientLinkChecks);
      await registerStep(ctx, { shared: params.token, email: body.email }, body, "/api/shared");
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/shared/:token/wrong-number",
      summary: "Shared link: notify the sender that the SMS code went to a number that is not the recipient's",
      tags: ["recipient"],
      security: "none",
      params: TokenParams,
      body: SharedStartBody,
      before: [sharedIpLimit("shared-wrong-number-ip")],
      responses: {
        202: {
          description: "The sender is told by e-mail (once per recipient and day)",
          schema: z.object({ notified: z.literal(true) }),
        },
        400: { description: "`email_mismatch`", schema: ErrorSchema },
        ...linkErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perSharedLink(params.token);
      const ref = { shared: params.token, email: body.email };
      await assertLinkEmail(ref, body.email);
      await perSharedAddress("shared-wrong-number-address", params.token, body.email, {
        points: () => 1,
        durationSeconds: () => 24 * 60 * 60,
      });
      await transaction((t) => reportWrongNumber(t, ref, body.email, requestMeta(ctx)));
      ctx.status = 202;
      ctx.body = { notified: true };
    },
  );
}
