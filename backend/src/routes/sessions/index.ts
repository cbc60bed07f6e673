import type Router from "@koa/router";
import { z } from "zod";
import { type Ctx, defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { NotFoundError, appError } from "../../errors.js";
import { type AuthState, authenticated, authState } from "../../middlewares/authenticate.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { listSessions } from "../../services/sessions.js";
import { currentApiToken, listApiTokens } from "../../services/apiTokens.js";
import { changePassword } from "../../commands/changePassword.js";
import { revokeSession } from "../../commands/revokeSession.js";
import { signOutEverywhere } from "../../commands/signOutEverywhere.js";
import { createApiToken } from "../../commands/createApiToken.js";
import { deleteApiToken } from "../../commands/deleteApiToken.js";
import { SessionSchema, presentSession } from "../../presenters/session.js";
import { ApiTokenSchema, presentApiToken } from "../../presenters/apiToken.js";
import { limits, perUser } from "../../api/limits.js";
import { unlockApiToken } from "../../commands/unlockApiToken.js";
import { accountLocked } from "../auth/index.js";

const IdParams = z.object({ id: z.uuid() });
const sessionOnly = "Only a signed-in browser session can do this";
const tokenOnly = "Only an API token (Authorization: Bearer) can do this";
const rateLimited = { description: "`rate_limited`", schema: ErrorSchema };

/** The request's authentication when it is a signed-in browser session; 403 `forbidden` for an API token. */
function browserSession(ctx: Ctx): AuthState {
  const auth = authState(ctx);
  if (auth.via !== "session") throw appError("forbidden", sessionOnly);
  return auth;
}

const CurrentTokenSchema = ApiTokenSchema.extend({
  keyUnlocked: z.boolean().meta({ description: "The token carries the user's private key: it can read and reply" }),
  passwordSet: z
    .boolean()
    .meta({ description: "The account has a Kuvert password (needed to unlock a key-less token)" }),
}).meta({ id: "CurrentApiToken" });

/** My sessions, sign out everywhere, my API tokens, and password change. */
export function sessionRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/sessions",
      summary: "My active sessions (the current one marked)",
      tags: ["account"],
      security: "session",
      responses: {
        200: { description: "Sessions, newest first", schema: z.object({ sessions: z.array(SessionSchema) }) },
        401: { description: "Not signed in", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx) => {
      const auth = authState(ctx);
      ctx.body = { sessions: (await listSessions(auth.user.id)).map((s) => presentSession(s, auth.sessionId)) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/account/sessions/:id",
      summary: "Sign out one of my sessions",
      tags: ["account"],
      security: "session",
      params: IdParams,
      responses: {
        204: { description: "Ended" },
        404: { description: "No such session of mine", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      const result = await transaction((t) =>
        revokeSession(ctx, t, { auth, sessionId: params.id, meta: requestMeta(ctx) }),
      );
      if (result.kind === "not_found") throw NotFoundError("No such session");
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/sessions/revoke-all",
      summary: "Sign out everywhere (every session, this one included, and every API token)",
      tags: ["account"],
      security: "session",
      responses: {
        200: {
          description: "How many sessions and API tokens ended",
          schema: z.object({ revoked: z.number(), tokensRevoked: z.number() }),
        },
      },
      before: [authenticated()],
    },
    async (ctx) => {
      const auth = authState(ctx);
      const ended = await transaction((t) => signOutEverywhere(ctx, t, { auth, meta: requestMeta(ctx) }));
      ctx.body = { revoked: ended.sessions, tokensRevoked: ended.tokens };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/password",
      summary: "Change my password (needs the current one); signs out my other sessions",
      tags: ["account"],
      security: "session",
      body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
      responses: {
        200: {
          description: "Changed; this session was rotated",
          schema: z.object({ otherSessionsRevoked: z.number() }),
        },
        400: { description: "`same_password`", schema: ErrorSchema },
        403: { description: "`invalid_password` (current password wrong)", schema: ErrorSchema },
        422: {
          description:
            "The new password breaks the policy: `password_too_short`, `password_too_long`, `password_needs_letters_and_digits`, `password_too_common`",
          schema: ErrorSchema,
        },
        429: rateLimited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const auth = browserSession(ctx);
      await consumeRateLimit("password-change", auth.user.id, limits.passwordChangeUser);
      const result = await transaction((t) =>
        changePassword(ctx, t, {
          user: auth.user,
          currentPassword: body.currentPassword,
          newPassword: body.newPassword,
          meta: requestMeta(ctx),
        }),
      );
      if (result.kind === "wrong_password") throw appError("invalid_password", "The current password is wrong");
      if (result.kind === "same_password")
        throw appError("same_password", "The new password must differ from the current one");
      if (result.kind === "policy") throw appError(result.id, result.message);
      ctx.body = { otherSessionsRevoked: result.otherSessionsRevoked };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/tokens",
      summary:
        "Create an API token (bearer) for an API client such as the add-in; needs the current password, e-mails the owner; shown once",
      tags: ["account"],
      security: "session",
      // The password is checked by the command; a missing one answers like a wrong one (403).
      body: z.object({ label: z.string().trim().min(1).max(100), password: z.string().max(1024).default("") }),
      responses: {
        201: {
          description: "The token; store it now, it is not shown again",
          schema: ApiTokenSchema.extend({ token: z.string() }),
        },
        403: {
          description:
            "`invalid_password` (missing or wrong), or `forbidden` (only a browser session can create tokens)",
          schema: ErrorSchema,
        },
        429: rateLimited,
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const auth = browserSession(ctx);
      await consumeRateLimit("token-create", auth.user.id, limits.tokenCreateUser);
      const result = await transaction((t) =>
        createApiToken(t, { auth, label: body.label, password: body.password, meta: requestMeta(ctx) }),
      );
      if (result.kind === "wrong_password") throw appError("invalid_password", "The password is wrong");
      ctx.status = 201;
      ctx.body = { ...presentApiToken(result.row), token: result.token };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/tokens",
      summary: "My API tokens (never their secrets)",
      tags: ["account"],
      security: "session",
      responses: {
        200: { description: "Tokens, newest first", schema: z.object({ tokens: z.array(ApiTokenSchema) }) },
      },
      before: [authenticated()],
    },
    async (ctx) => {
      ctx.body = { tokens: (await listApiTokens(authState(ctx).user.id)).map(presentApiToken) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/account/tokens/:id",
      summary: "Revoke one of my API tokens",
      tags: ["account"],
      security: "session",
      params: IdParams,
      responses: {
        204: { description: "Revoked" },
        404: { description: "No such token of mine", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      const result = await transaction((t) =>
        deleteApiToken(t, { user: auth.user, tokenId: params.id, meta: requestMeta(ctx) }),
      );
      if (result.kind === "not_found") throw NotFoundError("No such token");
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/tokens/current",
      summary:
        "The API token of this request: whether it carries the private key (a Microsoft sign-in token does not until unlocked)",
      tags: ["account"],
      security: "token",
      responses: {
        200: { description: "The token", schema: CurrentTokenSchema },
        403: { description: "`forbidden`: not a bearer request", schema: ErrorSchema },
        429: rateLimited,
      },
      before: [authenticated(), perUser("token-current-user", limits.apiUser)],
    },
    async (ctx) => {
      const auth = authState(ctx);
      if (auth.via !== "token" || !auth.tokenId || !auth.tokenKey) throw appError("forbidden", tokenOnly);
      const current = await currentApiToken(auth.tokenId, auth.tokenKey);
      if (!current) throw appError("invalid_token");
      ctx.body = {
        ...presentApiToken(current.row),
        keyUnlocked: current.keyUnlocked,
        passwordSet: auth.user.passwordHash !== null,
      };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/tokens/current",
      summary: "Revoke the API token of this request (the add-in's Sign out): it and the key sealed to it end at once",
      tags: ["account"],
      security: "token",
      responses: {
        204: { description: "Revoked" },
        403: { description: "`forbidden`: not a bearer request", schema: ErrorSchema },
        429: rateLimited,
      },
      before: [authenticated(), perUser("token-current-user", limits.apiUser)],
    },
    async (ctx) => {
      const auth = authState(ctx);
      if (auth.via !== "token" || !auth.tokenId) throw appError("forbidden", tokenOnly);
      const tokenId = auth.tokenId;
      await transaction((t) => deleteApiToken(t, { user: auth.user, tokenId, meta: requestMeta(ctx) }));
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/tokens/current/unlock",
      summary:
        "Unlock my private key for this API token with my Kuvert password (the add-in's read pane after Microsoft sign-in); lasts as long as the token",
      tags: ["account"],
      security: "token",
      body: z.object({ password: z.string().min(1).max(1024) }),
      responses: {
        200: { description: "The token now carries the key", schema: z.object({ keyUnlocked: z.literal(true) }) },
        401: { description: "`invalid_token` (unknown, expired or revoked meanwhile)", schema: ErrorSchema },
        403: {
          description:
            "`invalid_password` (counts toward the account's lockout), or `forbidden` (not a bearer request)",
          schema: ErrorSchema,
        },
        409: {
          description:
            "`password_not_set` (the account has no Kuvert password: choose one in the secure mailbox), `key_unavailable` (sign in to the secure mailbox once)",
          schema: ErrorSchema,
        },
        423: {
          description:
            "`account_locked` (Retry-After while a temporary lock lasts); a lock reached here revokes the token",
          schema: ErrorSchema,
        },
        429: { description: "`rate_limited`, with Retry-After", schema: ErrorSchema },
      },
      before: [authenticated(), perUser("token-unlock", limits.tokenUnlockUser)],
    },
    async (ctx, { body }) => {
      const auth = authState(ctx);
      if (auth.via !== "token" || !auth.tokenId || !auth.tokenKey) throw appError("forbidden", tokenOnly);
      const result = await unlockApiToken({
        userId: auth.user.id,
        tokenId: auth.tokenId,
        tokenKey: auth.tokenKey,
        password: body.password,
        meta: requestMeta(ctx),
      });
      if (result.kind === "wrong_password") throw appError("invalid_password", "The password is wrong");
      if (result.kind === "locked") throw accountLocked(result.retryAfterSeconds);
      if (result.kind === "password_not_set")
        throw appError(
          "password_not_set",
          "The account has no Kuvert password yet. Choose one in the secure mailbox (Forgot password), then unlock here.",
        );
      if (result.kind === "key_unavailable")
        throw appError(
          "key_unavailable",
          "Your key cannot be unlocked here yet. Sign in to the secure mailbox once with your password, then try again.",
        );
      if (result.kind === "token_gone") throw appError("invalid_token");
      ctx.body = { keyUnlocked: true };
    },
  );
}
