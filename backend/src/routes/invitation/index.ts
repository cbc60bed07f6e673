import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { env } from "../../env.js";
import { consumeRateLimit, rateLimit } from "../../middlewares/rateLimit.js";
import { limits, type Limit } from "../../api/limits.js";
import { PublicInvitationSchema, presentPublicInvitation } from "../../presenters/invitation.js";
import { acceptInvitation, declineInvitation } from "../../commands/answerInvitation.js";
import { verifyInvitationCode } from "../../commands/verifyInvitationCode.js";
import { completeInvitation } from "../../commands/completeInvitation.js";
import { reportInvitationWrongNumber } from "../../commands/reportInvitationWrongNumber.js";
import { hashLinkToken } from "../../services/messages/linkTokens.js";
import {
  findOpenInvitation,
  INVITATION_VERIFY_COOKIE,
  INVITATION_VERIFY_WINDOW_MS,
} from "../../services/invitations/invitationLink.js";

const TokenParams = z.object({ token: z.string().min(1).max(100) });
const VerifyBody = z.object({ code: z.string().trim().min(1).max(16) }).strict();
const CompleteBody = z.object({ password: z.string().min(1).max(1024), acceptTerms: z.boolean() }).strict();
const Empty = z.object({}).strict();

const invitationErrors = {
  404: { description: "`invalid_invitation` (unknown, or replaced by a resend)", schema: ErrorSchema },
  410: {
    description:
      "`invitation_expired`, `invitation_revoked`, `invitation_used` (already accepted or declined) or `invitation_locked` (too many wrong codes)",
    schema: ErrorSchema,
  },
  429: { description: "`rate_limited`", schema: ErrorSchema },
};

const ipLimit = (name: string) => rateLimit({ name, ...limits.recipientIp });
/** Per invitation: SMS sends and code guesses are bounded whatever IPs they come from (S3). */
const perInvitation = (name: string, token: string, limit: Limit) =>
  consumeRateLimit(name, hashLinkToken(token).slice(0, 32), limit);

/** The public steps behind *Verify your account* in the invitation e-mail (F23): the web app's /invitation/{token}. */
export function invitationRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/invitation/:token",
      summary: "What the invitation is: organisation, invitee, role, the masked mobile number",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      before: [ipLimit("invitation-view-ip")],
      responses: { 200: { description: "An open invitation", schema: PublicInvitationSchema }, ...invitationErrors },
    },
    async (ctx, { params }) => {
      const { invitation, user, organisation } = await findOpenInvitation(params.token);
      ctx.set("Cache-Control", "no-store");
      ctx.body = presentPublicInvitation(invitation, user, organisation);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/invitation/:token/decline",
      summary: "No thanks: decline the invitation (the admin sees it; the link is refused afterwards)",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      body: Empty,
      before: [ipLimit("invitation-decline-ip")],
      responses: {
        200: { description: "Declined", schema: z.object({ status: z.literal("declined") }) },
        ...invitationErrors,
      },
    },
    async (ctx, { params }) => {
      await transaction((t) => declineInvitation(t, params.token, requestMeta(ctx)));
      ctx.body = { status: "declined" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/invitation/:token/accept",
      summary: "Yes please: sends the SMS ID-check code to the invitation's mobile number (calling again resends)",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      body: Empty,
      before: [ipLimit("invitation-accept-ip")],
      responses: {
        200: {
          description: "Code sent to the masked number",
          schema: z.object({ next: z.literal("sms_code"), mobile: z.string().nullable() }),
        },
        ...invitationErrors,
      },
    },
    async (ctx, { params }) => {
      await perInvitation("invitation-sms", params.token, limits.recipientLinkSends);
      const result = await transaction((t) => acceptInvitation(t, params.token, requestMeta(ctx)));
      ctx.body = { next: "sms_code", mobile: result.mobile };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/invitation/:token/verify",
      summary: "Check the SMS code",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      body: VerifyBody,
      before: [ipLimit("invitation-verify-ip")],
      responses: {
        200: {
          description:
            "`set_password` (a short-lived cookie binds the next step to this browser), or `sign_in`: the person's existing account has joined the organisation",
          schema: z.object({ next: z.enum(["set_password", "sign_in"]) }),
        },
        400: { description: "`invalid_code` (wrong, used, expired or too many tries)", schema: ErrorSchema },
        ...invitationErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perInvitation("invitation-verify", params.token, limits.recipientLinkChecks);
      const result = await transaction((t) => verifyInvitationCode(t, params.token, body.code, requestMeta(ctx)));
      if (!result.ok) throw appError("invalid_code", "The code is wrong or no longer valid");
      if (result.next === "set_password") {
        ctx.cookies.set(INVITATION_VERIFY_COOKIE, result.secret, {
          httpOnly: true,
          sameSite: "strict",
          secure: env().isProduction,
          path: "/api/invitation",
          maxAge: INVITATION_VERIFY_WINDOW_MS,
          overwrite: true,
        });
      }
      ctx.body = { next: result.next };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/invitation/:token/complete",
      summary: "Choose a password and accept the terms: joins the organisation and signs in",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      body: CompleteBody,
      before: [ipLimit("invitation-complete-ip")],
      responses: {
        200: { description: "Signed in (session cookie)", schema: z.object({ next: z.literal("done") }) },
        400: { description: "`terms_not_accepted` or `validation_error`", schema: ErrorSchema },
        403: {
          description: "`verification_required`: the SMS code was not confirmed in this browser",
          schema: ErrorSchema,
        },
        422: { description: "A password policy id (`password_too_short`, ...)", schema: ErrorSchema },
        ...invitationErrors,
      },
    },
    async (ctx, { params, body }) => {
      await perInvitation("invitation-complete", params.token, limits.recipientLinkChecks);
      if (!body.acceptTerms) throw appError("terms_not_accepted", "Accept the terms of use to continue");
      const verifySecret = ctx.cookies.get(INVITATION_VERIFY_COOKIE);
      await transaction((t) =>
        completeInvitation(ctx, t, {
          token: params.token,
          verifySecret,
          password: body.password,
          meta: requestMeta(ctx),
        }),
      );
      ctx.cookies.set(INVITATION_VERIFY_COOKIE, "", {
        httpOnly: true,
        path: "/api/invitation",
        maxAge: 0,
        overwrite: true,
      });
      ctx.body = { next: "done" };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/invitation/:token/wrong-number",
      summary:
        "Notify the sender: the SMS code went to a number that is not the invitee's (e-mails the inviting admin)",
      tags: ["invitation"],
      security: "none",
      params: TokenParams,
      body: Empty,
      before: [ipLimit("invitation-wrong-number-ip")],
      responses: {
        202: {
          description: "The inviting admin is told by e-mail (once per invitation and day)",
          schema: z.object({ notified: z.literal(true) }),
        },
        ...invitationErrors,
      },
    },
    async (ctx, { params }) => {
      await findOpenInvitation(params.token);
      await consumeRateLimit("invitation-wrong-number", hashLinkToken(params.token).slice(0, 32), {
        points: 1,
        durationSeconds: 24 * 60 * 60,
      });
      await transaction((t) => reportInvitationWrongNumber(t, params.token, requestMeta(ctx)));
      ctx.status = 202;
      ctx.body = { notified: true };
    },
  );
}
