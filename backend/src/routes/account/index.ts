import type Router from "@koa/router";
import { z } from "zod";
import { locales } from "#shared/accountNames.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { limitPerKey } from "../../api/codeLimits.js";
import { InvalidCodeError, SecondFactorFields } from "../../api/codeFields.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { clearSessionCookies } from "../../services/sessions.js";
import { AUTO_REPLY_MAX_LENGTH, SIGNATURE_MAX_LENGTH, TITLE_MAX_LENGTH } from "../../services/accountSettings.js";
import { accountDetails } from "../../services/account/accountDetails.js";
import { updateAccountSettings } from "../../commands/updateAccountSettings.js";
import { deleteOwnAccount } from "../../commands/deleteOwnAccount.js";
import { exportAccount } from "../../commands/exportAccount.js";
import { AccountSchema, presentAccount } from "../../presenters/account.js";
import { limits } from "../../api/limits.js";

const PatchBody = z
  .object({
    name: z.string().trim().min(1).max(200).nullable(),
    locale: z.enum(locales),
    neutralNotifications: z.boolean(),
    signature: z.string().max(SIGNATURE_MAX_LENGTH).nullable().describe("Plain text"),
    title: z
      .string()
      .max(TITLE_MAX_LENGTH)
      .nullable()
      .describe("Job title (plain text), the organisation signature's {title}"),
    autoReply: z
      .object({
        enabled: z.boolean(),
        text: z.string().max(AUTO_REPLY_MAX_LENGTH).nullable(),
        from: z.iso.datetime({ offset: true }).nullable(),
        to: z.iso.datetime({ offset: true }).nullable(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** A second factor when the user has one, else the password (issue 13). */
const ExportBody = z
  .object({
    method: SecondFactorFields.method.optional(),
    code: SecondFactorFields.code.optional(),
    password: z.string().min(1).max(1024).optional(),
  })
  .strict();

export function accountRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account",
      summary: "Account information and options (F20)",
      tags: ["account"],
      security: "session",
      responses: {
        200: { description: "The account", schema: AccountSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx) => {
      const user = currentUser(ctx);
      const { organisation, settings } = await accountDetails(user);
      ctx.body = presentAccount(user, organisation, settings);
    },
  );

  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/account",
      summary:
        "Change name, language, neutral notifications, job title, personal signature or auto-reply (mobile and plan are read-only here)",
      tags: ["account"],
      security: "session",
      body: PatchBody,
      responses: {
        200: { description: "The account after the change", schema: AccountSchema },
        400: { description: "`validation_error` (unknown or read-only fields too)", schema: ErrorSchema },
        422: { description: "`auto_reply_text_required`, `auto_reply_period_invalid`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const result = await transaction((t) =>
        updateAccountSettings(t, { user, changes: body, meta: requestMeta(ctx) }),
      );
      if (result.kind === "auto_reply_text_required")
        throw appError("auto_reply_text_required", "Write the auto-reply text before turning it on");
      if (result.kind === "auto_reply_period_invalid")
        throw appError("auto_reply_period_invalid", "The auto-reply must end after it starts");
      ctx.body = presentAccount(user, result.organisation, result.settings);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/account/export",
      summary:
        "Export my data (F21): a zip archive, streamed; a signed-in session only, confirmed with a second factor (or the password without one)",
      tags: ["account"],
      security: "session",
      body: ExportBody,
      responses: {
        200: { description: "application/zip", contentType: "application/zip" },
        400: { description: "`invalid_code`", schema: ErrorSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        403: {
          description:
            "`forbidden` (an API token), `verification_required` (no factor or password given), `invalid_password`",
          schema: ErrorSchema,
        },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const auth = authState(ctx);
      if (auth.via !== "session") throw appError("forbidden", "Only a signed-in browser session can export data");
      await consumeRateLimit("account-export", auth.user.id, limits.exportUser);
      const result = await exportAccount({
        auth,
        meta: requestMeta(ctx),
        factor: body.method && body.code ? { method: body.method, code: body.code } : undefined,
        password: body.password,
      });
      if (result.kind === "verification_required")
        throw appError("verification_required", "Confirm the export with a second factor (or your password)");
      if (result.kind === "invalid_code") throw InvalidCodeError();
      if (result.kind === "invalid_password") throw appError("invalid_password", "The password is wrong");
      const day = new Date().toISOString().slice(0, 10);
      ctx.set("Content-Type", "application/zip");
      ctx.set("Content-Disposition", `attachment; filename="kuvert-export-${day}.zip"`);
      ctx.set("Cache-Control", "no-store");
      ctx.body = result.archive;
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/account",
      summary: "Delete my account for good (F21): needs the password and a second factor",
      tags: ["account"],
      security: "session",
      body: z.object({ password: z.string().min(1).max(1024), ...SecondFactorFields }),
      responses: {
        204: { description: "Deleted; signed out" },
        400: { description: "`invalid_code`", schema: ErrorSchema },
        403: { description: "`invalid_password`", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("account-delete-user", "checkPerUser", user.id);
      const result = await transaction((t) =>
        deleteOwnAccount(t, {
          user,
          password: body.password,
          method: body.method,
          code: body.code,
          meta: requestMeta(ctx),
        }),
      );
      if (result.kind === "invalid_password") throw appError("invalid_password", "The password is wrong");
      if (result.kind === "invalid_code") throw InvalidCodeError();
      clearSessionCookies(ctx);
      ctx.status = 204;
    },
  );
}
