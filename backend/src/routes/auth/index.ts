import type Router from "@koa/router";
import { z } from "zod";
import { normaliseEmail } from "#shared/accountNames.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { loginAccountLimit, loginIpLimit } from "../../api/authLimits.js";
import { transaction } from "../../db.js";
import { AppError, appError } from "../../errors.js";
import { authenticated, authState } from "../../middlewares/authenticate.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { login } from "../../commands/login.js";
import { completeSecondFactor } from "../../commands/completeSecondFactor.js";
import { logout } from "../../commands/logout.js";
import { secondFactorMethodNames } from "../../services/secondFactor.js";
import { organisationOf } from "../../services/account/accountDetails.js";
import { MeSchema, presentMe } from "../../presenters/me.js";

const LoginBody = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});
const LoginResponse = z.union([
  z.object({ next: z.literal("done") }),
  z.object({ next: z.literal("second_factor"), methods: z.array(z.enum(secondFactorMethodNames)) }),
  z.object({ next: z.literal("second_factor_setup") }),
]);
const SecondFactorBody = z.object({ method: z.enum(secondFactorMethodNames), code: z.string().trim().min(1).max(64) });

/** 423 `account_locked`, with Retry-After while a temporary lock lasts. */
export function accountLocked(retryAfterSeconds: number | null): AppError {
  return appError(
    "account_locked",
    retryAfterSeconds === null
      ? "The account is locked. Reset your password to unlock it."
      : "The account is locked for a while. Try again later or reset your password.",
    retryAfterSeconds === null ? {} : { headers: { "Retry-After": String(Math.max(1, retryAfterSeconds)) } },
  );
}

const invalidCredentials = () => appError("invalid_credentials", "The e-mail address or password is wrong");

export function authRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/login",
      summary: "Sign in with e-mail and password (step 1)",
      tags: ["auth"],
      security: "none",
      body: LoginBody,
      responses: {
        200: {
          description: "Signed in (`done`), or a second factor is due (`second_factor`, partial session)",
          schema: LoginResponse,
        },
        401: { description: "`invalid_credentials`: wrong e-mail or password (never says which)", schema: ErrorSchema },
        423: { description: "`account_locked`", schema: ErrorSchema },
        429: { description: "`rate_limited`, with Retry-After", schema: ErrorSchema },
      },
      before: [loginIpLimit("login-ip")],
    },
    async (ctx, { body }) => {
      await consumeRateLimit("login-account", normaliseEmail(body.email), loginAccountLimit);
      const result = await login(ctx, { email: body.email, password: body.password, meta: requestMeta(ctx) });
      if (result.kind === "invalid_credentials") throw invalidCredentials();
      if (result.kind === "locked") throw accountLocked(result.retryAfterSeconds);
      ctx.body =
        result.kind === "second_factor"
          ? { next: "second_factor", methods: result.methods }
          : { next: result.kind === "done" ? "done" : "second_factor_setup" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/second-factor",
      summary: "Complete sign-in with a second factor (step 2)",
      tags: ["auth"],
      security: "session",
      body: SecondFactorBody,
      responses: {
        200: {
          description: "Signed in; the session was replaced by a full one",
          schema: z.object({ next: z.literal("done") }),
        },
        400: { description: "`invalid_code`", schema: ErrorSchema },
        401: { description: "`authentication_required`: no partial session", schema: ErrorSchema },
        423: { description: "`account_locked`", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
      before: [loginIpLimit("second-factor-ip"), authenticated({ allowPartial: true })],
    },
    async (ctx, { body }) => {
      const auth = authState(ctx);
      if (auth.stage === "full") {
        ctx.body = { next: "done" };
        return;
      }
      await consumeRateLimit("second-factor-account", auth.user.id, loginAccountLimit);
      const result = await transaction((t) =>
        completeSecondFactor(ctx, t, { user: auth.user, method: body.method, code: body.code, meta: requestMeta(ctx) }),
      );
      if (result.kind === "invalid_code") throw appError("invalid_code", "The code is not valid");
      if (result.kind === "locked") throw accountLocked(result.retryAfterSeconds);
      ctx.body = { next: "done" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/logout",
      summary: "Sign out: ends this session",
      tags: ["auth"],
      security: "session",
      responses: {
        204: { description: "Signed out" },
        401: { description: "Not signed in", schema: ErrorSchema },
        403: { description: "`csrf_failed`", schema: ErrorSchema },
      },
      before: [authenticated({ allowPartial: true, allowSetup: true })],
    },
    async (ctx) => {
      const auth = authState(ctx);
      if (auth.via !== "session")
        throw appError("not_a_session", "Bearer tokens are revoked with DELETE /api/account/tokens/{id}");
      await transaction((t) => logout(ctx, t, { auth, meta: requestMeta(ctx) }));
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/auth/me",
      summary: "The signed-in user (also during a partial sign-in: see `stage`)",
      tags: ["auth"],
      security: "session",
      responses: {
        200: { description: "The user", schema: MeSchema },
        401: { description: "Not signed in", schema: ErrorSchema },
      },
      before: [authenticated({ allowPartial: true, allowSetup: true })],
    },
    async (ctx) => {
      const { user, stage } = authState(ctx);
      ctx.body = presentMe(user, await organisationOf(user), stage);
    },
  );
}
