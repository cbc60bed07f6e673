import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { locales } from "../../models/User.js";
import { Organisation } from "../../models/Organisation.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { cookieOptions, CSRF_COOKIE, SESSION_COOKIE } from "../../services/sessions.js";
import { recordAudit } from "../../services/audit/recordAudit.js";
import { deleteAccount } from "../../commands/deleteAccount.js";
import { verifySecret } from "../../services/passwords.js";
import { verifyConfirmation } from "../../services/secondFactor.js";
import { AUTO_REPLY_MAX_LENGTH, plainText, settingsFor, SIGNATURE_MAX_LENGTH } from "../../services/accountSettings.js";
import { exportArchive } from "../../services/account/exportArchive.js";
import { AccountSchema, presentAccount } from "../../presenters/account.js";
import { codeCheckIpLimit, InvalidCodeError, limitPerKey, requestMeta, SecondFactorFields } from "./shared.js";

const PatchBody = z
  .object({
    name: z.string().trim().min(1).max(200).nullable(),
    locale: z.enum(locales),
    neutralNotifications: z.boolean(),
    signature: z.string().max(SIGNATURE_MAX_LENGTH).nullable().describe("Plain text"),
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

const exportLimit = { points: 5, durationSeconds: 60 * 60 };

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
      const org = user.organisationId ? await Organisation.findByPk(user.organisationId) : null;
      const settings = await transaction((t) => settingsFor(t, user.id));
      ctx.body = presentAccount(user, org, settings);
    },
  );

  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/account",
      summary:
        "Change name, language, neutral notifications, personal signature or auto-reply (mobile and plan are read-only here)",
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
      const org = user.organisationId ? await Organisation.findByPk(user.organisationId) : null;
      const settings = await transaction(async (t) => {
        const s = await settingsFor(t, user.id);
        if (body.name !== undefined) user.name = body.name;
        if (body.locale !== undefined) user.locale = body.locale;
        if (user.changed()) await user.save({ transaction: t });
        if (body.neutralNotifications !== undefined) s.neutralNotifications = body.neutralNotifications;
        if (body.signature !== undefined)
          s.signature = body.signature === null ? null : plainText(body.signature) || null;
        const ar = body.autoReply;
        if (ar) {
          if (ar.text !== undefined) s.autoReplyText = ar.text === null ? null : plainText(ar.text) || null;
          if (ar.from !== undefined) s.autoReplyFrom = ar.from === null ? null : new Date(ar.from);
          if (ar.to !== undefined) s.autoReplyTo = ar.to === null ? null : new Date(ar.to);
          if (ar.enabled !== undefined) s.autoReplyEnabled = ar.enabled;
          if (s.autoReplyEnabled && !s.autoReplyText)
            throw appError("auto_reply_text_required", "Write the auto-reply text before turning it on");
          if (s.autoReplyFrom && s.autoReplyTo && s.autoReplyFrom >= s.autoReplyTo) {
            throw appError("auto_reply_period_invalid", "The auto-reply must end after it starts");
          }
        }
        if (s.changed()) {
          await s.save({ transaction: t });
          await recordAudit(t, {
            type: "account.settings_changed",
            organisationId: user.organisationId,
            userId: user.id,
            ...requestMeta(ctx),
            data: { fields: s.changed() || [] },
          });
        }
        return s;
      });
      ctx.body = presentAccount(user, org, settings);
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/export",
      summary: "Export my data (F21): a zip archive, streamed",
      tags: ["account"],
      security: "session",
      responses: {
        200: { description: "application/zip", contentType: "application/zip" },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
      before: [authenticated()],
    },
    async (ctx) => {
      const auth = authState(ctx);
      const user = auth.user;
      await consumeRateLimit("account-export", user.id, exportLimit);
      await transaction((t) =>
        recordAudit(t, {
          type: "account.exported",
          organisationId: user.organisationId,
          userId: user.id,
          ...requestMeta(ctx),
        }),
      );
      const day = new Date().toISOString().slice(0, 10);
      ctx.set("Content-Type", "application/zip");
      ctx.set("Content-Disposition", `attachment; filename="kuvert-export-${day}.zip"`);
      ctx.set("Cache-Control", "no-store");
      ctx.body = exportArchive({ auth });
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
      before: [codeCheckIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("account-delete-user", "checkPerUser", user.id);
      if (!(await verifySecret(body.password, user.passwordHash))) {
        await transaction((t) =>
          recordAudit(t, {
            type: "account.delete_failed",
            organisationId: user.organisationId,
            userId: user.id,
            ...requestMeta(ctx),
            data: { reason: "password" },
          }),
        );
        throw appError("invalid_password", "The password is wrong");
      }
      const ok = await transaction(async (t) => {
        if (!(await verifyConfirmation(t, user, body.method, body.code))) return false;
        await deleteAccount(t, user, requestMeta(ctx));
        return true;
      });
      if (!ok) throw InvalidCodeError();
      ctx.cookies.set(SESSION_COOKIE, "", { ...cookieOptions(true), maxAge: 0 });
      ctx.cookies.set(CSRF_COOKIE, "", { ...cookieOptions(false), maxAge: 0 });
      ctx.status = 204;
    },
  );
}
