import type Router from "@koa/router";
import { z } from "zod";
import QRCode from "qrcode";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { appError } from "../../errors.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { recordAudit } from "../../services/audit/recordAudit.js";
import { notifySecurityChange } from "../../commands/notifySecurityChange.js";
import { checkSmsCode, issueSmsCode } from "../../services/smsCodes.js";
import { confirmTotpEnrolment, disableTotp, startTotpEnrolment } from "../../services/totp.js";
import { generateBackupCodes, remainingBackupCodes } from "../../services/backupCodes.js";
import { availableMethods, secondFactorMethodNames, verifyConfirmation } from "../../services/secondFactor.js";
import { UserTotp } from "../../models/UserTotp.js";
import {
  codeCheckIpLimit,
  InvalidCodeError,
  limitPerKey,
  maskPhone,
  noStore,
  requestMeta,
  SecondFactorFields,
  SentSchema,
  smsSendIpLimit,
} from "../account/shared.js";

const smsCodePurposes = ["totp_enable", "backup_codes", "confirm"] as const;

const StatusSchema = z
  .object({
    enabled: z.boolean().describe("2FA is on: an authenticator app is active"),
    totp: z.object({ enabled: z.boolean(), enabledAt: z.string().nullable(), enrolmentPending: z.boolean() }),
    methods: z.array(z.enum(secondFactorMethodNames)).describe("Factors usable now (to confirm changes)"),
    backupCodesRemaining: z.number().int(),
    mobile: z.string().describe("The primary mobile, masked"),
  })
  .meta({ id: "SecondFactorStatus" });

const EnrolmentSchema = z.object({
  secret: z.string().describe("Base32 secret, for typing into the app"),
  otpauthUri: z.string(),
  qrSvg: z.string(),
  qrDataUrl: z.string(),
});

const invalid = { description: "`invalid_code`", schema: ErrorSchema };
const limited = { description: "`rate_limited`", schema: ErrorSchema };
const unauth = { description: "`authentication_required`", schema: ErrorSchema };

export function secondFactorRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/account/2fa",
      summary: "Two-factor status: authenticator, usable factors, one-time codes left",
      tags: ["account"],
      security: "session",
      responses: { 200: { description: "Status", schema: StatusSchema }, 401: unauth },
      before: [authenticated()],
    },
    async (ctx) => {
      const user = currentUser(ctx);
      const totp = await UserTotp.findByPk(user.id);
      const enabled = Boolean(totp?.enabled);
      ctx.body = {
        enabled,
        totp: {
          enabled,
          enabledAt: totp?.enabledAt?.toISOString() ?? null,
          enrolmentPending: Boolean(totp?.pendingSecretSealed),
        },
        methods: await availableMethods(user),
        backupCodesRemaining: await remainingBackupCodes(user.id),
        mobile: maskPhone(user.mobile),
      };
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
        422: { description: "`no_phone`", schema: ErrorSchema },
        429: limited,
      },
      before: [smsSendIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("sms-send-user", "sendPerUser", user.id);
      await transaction((t) => issueSmsCode(t, user, body.purpose));
      ctx.status = 202;
      ctx.body = { sent: true, to: maskPhone(user.mobile) };
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
      before: [codeCheckIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("code-check-user", "checkPerUser", user.id);
      const result = await transaction(async (t) => {
        const totp = await UserTotp.findByPk(user.id, { transaction: t });
        if (totp?.enabled) return null;
        if (!(await checkSmsCode(t, user, "totp_enable", body.smsCode))) return false;
        const enrolment = await startTotpEnrolment(t, user);
        await recordAudit(t, {
          type: "2fa.totp_enrolment_started",
          organisationId: user.organisationId,
          userId: user.id,
          ...requestMeta(ctx),
        });
        return enrolment;
      });
      if (result === null)
        throw appError("totp_already_enabled", "An authenticator app is already active; turn it off first");
      if (result === false) throw InvalidCodeError();
      noStore(ctx);
      ctx.body = {
        secret: result.secret,
        otpauthUri: result.otpauthUri,
        qrSvg: await QRCode.toString(result.otpauthUri, { type: "svg", errorCorrectionLevel: "M", margin: 1 }),
        qrDataUrl: await QRCode.toDataURL(result.otpauthUri, { errorCorrectionLevel: "M", margin: 1 }),
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
        200: { description: "Active", schema: z.object({ enabled: z.literal(true) }) },
        400: invalid,
        429: limited,
      },
      before: [codeCheckIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("code-check-user", "checkPerUser", user.id);
      const ok = await transaction(async (t) => {
        if (!(await confirmTotpEnrolment(t, user, body.code))) return false;
        await recordAudit(t, {
          type: "2fa.totp_enabled",
          organisationId: user.organisationId,
          userId: user.id,
          ...requestMeta(ctx),
        });
        await notifySecurityChange(t, user, "totp_enabled");
        return true;
      });
      if (!ok) throw InvalidCodeError();
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
      before: [codeCheckIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("code-check-user", "checkPerUser", user.id);
      const ok = await transaction(async (t) => {
        if (!(await verifyConfirmation(t, user, body.method, body.code))) return false;
        if (await disableTotp(t, user.id)) {
          await recordAudit(t, {
            type: "2fa.totp_disabled",
            organisationId: user.organisationId,
            userId: user.id,
            ...requestMeta(ctx),
            data: { method: body.method },
          });
          await notifySecurityChange(t, user, "totp_disabled");
        }
        return true;
      });
      if (!ok) throw InvalidCodeError();
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
      before: [codeCheckIpLimit(), authenticated()],
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitPerKey("code-check-user", "checkPerUser", user.id);
      const codes = await transaction(async (t) => {
        if (!(await checkSmsCode(t, user, "backup_codes", body.smsCode))) return null;
        const fresh = await generateBackupCodes(t, user.id);
        await recordAudit(t, {
          type: "backup_codes.generated",
          organisationId: user.organisationId,
          userId: user.id,
          ...requestMeta(ctx),
          data: { count: fresh.length },
        });
        await notifySecurityChange(t, user, "backup_codes_generated");
        return fresh;
      });
      if (!codes) throw InvalidCodeError();
      noStore(ctx);
      ctx.status = 201;
      ctx.body = { codes };
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
      ctx.body = { remaining: await remainingBackupCodes(currentUser(ctx).id) };
    },
  );
}
