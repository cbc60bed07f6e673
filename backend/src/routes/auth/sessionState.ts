import type Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { AppError } from "../../errors.js";
import { authenticated } from "../../middlewares/authenticate.js";
import type { AuthState } from "../../services/sessions.js";
import { secondFactorMethodNames } from "../../services/secondFactor.js";
import { sessionState } from "../../services/sessionState.js";
import { MeSchema, presentMe } from "../../presenters/me.js";

export const SessionStateSchema = z
  .discriminatedUnion("state", [
    z.object({ state: z.literal("signed_out") }),
    z.object({
      state: z.literal("second_factor"),
      user: MeSchema,
      methods: z.array(z.enum(secondFactorMethodNames)),
    }),
    z.object({ state: z.literal("second_factor_setup"), user: MeSchema }),
    z.object({ state: z.literal("signed_in"), user: MeSchema }),
  ])
  .meta({ id: "SessionState" });

/**
 * Authenticates the caller when a session cookie or bearer token is valid (partial sessions
 * too) and lets everyone else through without one: ctx.state.auth stays unset.
 */
function optionallyAuthenticated(): Middleware {
  const authenticate = authenticated({ allowPartial: true, allowSetup: true });
  return async (ctx, next) => {
    try {
      await authenticate(ctx, async () => undefined);
    } catch (err) {
      if (!(err instanceof AppError && err.status === 401)) throw err;
      ctx.state.auth = undefined;
    }
    await next();
  };
}

/** GET /api/auth/session: where the caller stands, always 200 (a signed-out page asks this first). */
export function sessionStateRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/auth/session",
      summary: "Where the caller stands: signed out, half-way through sign-in (second factor due), or signed in",
      tags: ["auth"],
      security: "none",
      responses: {
        200: {
          description:
            "`signed_out` without a valid session or token; `second_factor` with the user and the methods on offer; `second_factor_setup` when the organisation requires two-step verification the user must turn on first; `signed_in` with the user",
          schema: SessionStateSchema,
        },
      },
      before: [optionallyAuthenticated()],
    },
    async (ctx) => {
      const current = await sessionState((ctx.state.auth as AuthState | undefined) ?? null);
      const body: z.infer<typeof SessionStateSchema> =
        current.state === "signed_out"
          ? { state: "signed_out" }
          : current.state === "second_factor"
            ? {
                state: "second_factor",
                user: presentMe(current.user, current.organisation, "partial"),
                methods: current.methods,
              }
            : current.state === "second_factor_setup"
              ? { state: "second_factor_setup", user: presentMe(current.user, current.organisation, "setup") }
              : { state: "signed_in", user: presentMe(current.user, current.organisation, "full") };
      ctx.body = body;
    },
  );
}
