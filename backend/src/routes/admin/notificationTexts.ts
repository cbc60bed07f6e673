import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema, type Ctx } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { NotFoundError, appError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import {
  removeNotificationLogo,
  resetNotificationTexts,
  setNotificationLogo,
  setNotificationTexts,
  type NotificationTextsResult,
} from "../../commands/changeNotificationTexts.js";
import { adminNotificationTexts, previewNotification } from "../../services/notificationTexts/render.js";
import { fieldRules, notificationLocales, validateTexts } from "../../services/notificationTexts/texts.js";
import { LOGO_MAX_BYTES, logoContentTypes } from "../../services/notificationTexts/logo.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";

const text = (max: number) =>
  z
    .string()
    .max(max * 2)
    .nullable()
    .optional();
const TextsBody = z
  .object({
    senderName: text(fieldRules.senderName.maxLength).describe(
      "The From display name; the address stays the service's",
    ),
    intro: text(fieldRules.intro.maxLength).describe("Above the link button; placeholders {sender}, {organisation}"),
    footer: text(fieldRules.footer.maxLength).describe("Below the fixed lines; placeholders {sender}, {organisation}"),
    smsRecipientCode: text(fieldRules.smsRecipientCode.maxLength).describe(
      "The SMS with the code a new recipient opens a message with; must keep {code}; also {minutes}, {organisation}",
    ),
    smsIdCheck: text(fieldRules.smsIdCheck.maxLength).describe(
      "The SMS with the code of an ID-checked message; must keep {code}; also {minutes}, {organisation}",
    ),
  })
  .strict()
  .describe("Plain text only (escaped in the HTML e-mail); empty or null means the default");
const TextsSchema = z
  .object({
    senderName: z.string().nullable(),
    intro: z.string().nullable(),
    footer: z.string().nullable(),
    smsRecipientCode: z.string().nullable(),
    smsIdCheck: z.string().nullable(),
  })
  .meta({ id: "NotificationTexts" });
const Rule = z.object({
  maxLength: z.number(),
  multiline: z.boolean(),
  allowed: z.array(z.string()),
  required: z.array(z.string()),
});
const AdminNotificationTextsSchema = z
  .object({
    texts: z.object({ sv: TextsSchema, en: TextsSchema }).describe("The organisation's texts; null = the default"),
    defaults: z.object({ sv: z.record(z.string(), z.string()), en: z.record(z.string(), z.string()) }),
    rules: z.record(z.string(), Rule).describe("Per text: length, placeholders allowed and required"),
    logo: z
      .object({
        contentType: z.string(),
        width: z.number(),
        height: z.number(),
        bytes: z.number(),
        sha256: z.string(),
        updatedAt: z.string(),
        dataUrl: z.string().describe("The stored (re-encoded) image as a data: URL, for the console's preview"),
      })
      .nullable(),
    logoLimits: z.object({
      maxBytes: z.number(),
      maxWidth: z.number(),
      maxHeight: z.number(),
      contentTypes: z.array(z.string()),
    }),
  })
  .meta({ id: "AdminNotificationTexts" });
const PreviewBody = z.object({ locale: z.enum(notificationLocales), texts: TextsBody }).strict();
const PreviewSchema = z
  .object({
    email: z.object({ subject: z.string(), html: z.string(), text: z.string(), fromName: z.string() }),
    sms: z.object({ recipientCode: z.string(), idCheck: z.string() }),
  })
  .meta({ id: "NotificationPreview" });
const LangParams = z.object({ lang: z.enum(notificationLocales) });

const placeholderResponses = {
  422: {
    description:
      "`notification_placeholder_missing` (an SMS text without {code}) or `notification_placeholder_unknown` (e.g. {subject}: message content is never a placeholder); `details.field`, `details.placeholder`",
    schema: ErrorSchema,
  },
};

async function view(organisationId: string) {
  const v = await adminNotificationTexts(organisationId);
  if (!v) throw NotFoundError();
  return v;
}

function done(result: NotificationTextsResult): void {
  if (result.kind === "not_found") throw NotFoundError();
}

/** Reads the raw upload, refusing (413) more than the logo limit. */
async function readLogo(ctx: Ctx): Promise<Buffer> {
  const tooLarge = () => appError("logo_too_large", `The logo is larger than ${LOGO_MAX_BYTES / 1024} KB`);
  if (Number(ctx.get("Content-Length") || 0) > LOGO_MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    bytes += b.length;
    if (bytes > LOGO_MAX_BYTES) throw tooLarge();
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The organisation's notification texts and logo (issue 10, *Notification texts*). */
export function adminNotificationTextRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/notification-texts",
      summary: "The organisation's notification texts per language, the defaults, the rules and the logo",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "The texts", schema: AdminNotificationTextsSchema }, ...adminResponses },
    },
    async (ctx) => {
      ctx.body = await view(adminOrg(currentUser(ctx)));
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/notification-texts/preview",
      summary: "Render the notification e-mail and code SMS from draft texts on sample data, without saving",
      tags: ["admin"],
      security: "session",
      body: PreviewBody,
      before: adminRead,
      responses: {
        200: { description: "The rendered e-mail (subject, html, text, From name) and SMS", schema: PreviewSchema },
        ...adminResponses,
        ...placeholderResponses,
      },
    },
    async (ctx, { body }) => {
      const organisationId = adminOrg(currentUser(ctx));
      const preview = await previewNotification(organisationId, body.locale, validateTexts(body.texts));
      if (!preview) throw NotFoundError();
      ctx.body = preview;
    },
  );

  // The logo before /:lang, so "logo" is not taken for a language.
  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/notification-texts/logo",
      summary: "Upload the logo for notification e-mails (PNG or JPEG; decoded and re-encoded; audited)",
      tags: ["admin"],
      security: "session",
      rawBody: {
        contentTypes: [...logoContentTypes],
        description: `The image file's raw bytes, at most ${LOGO_MAX_BYTES / 1024} KB and 1000×400 pixels`,
      },
      before: adminWrite,
      responses: {
        200: { description: "The texts and the new logo", schema: AdminNotificationTextsSchema },
        ...adminResponses,
        413: { description: "`logo_too_large`: over 200 KB or 1000×400 pixels", schema: ErrorSchema },
        415: { description: "`unsupported_media_type`: send image/png or image/jpeg", schema: ErrorSchema },
        422: { description: "`logo_invalid`: not a decodable PNG or JPEG (SVG, junk, …)", schema: ErrorSchema },
      },
    },
    async (ctx) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const bytes = await readLogo(ctx);
      done(await transaction((t) => setNotificationLogo(t, { admin, organisationId, bytes, meta: requestMeta(ctx) })));
      ctx.body = await view(organisationId);
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/admin/notification-texts/logo",
      summary: "Remove the logo from notification e-mails (audited)",
      tags: ["admin"],
      security: "session",
      before: adminWrite,
      responses: {
        200: { description: "The texts without a logo", schema: AdminNotificationTextsSchema },
        ...adminResponses,
      },
    },
    async (ctx) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      done(await transaction((t) => removeNotificationLogo(t, { admin, organisationId, meta: requestMeta(ctx) })));
      ctx.body = await view(organisationId);
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/notification-texts/:lang",
      summary: "Set the notification texts in one language (plain text; placeholders checked; audited)",
      tags: ["admin"],
      security: "session",
      params: LangParams,
      body: TextsBody,
      before: adminWrite,
      responses: {
        200: { description: "The texts after the change", schema: AdminNotificationTextsSchema },
        ...adminResponses,
        ...placeholderResponses,
      },
    },
    async (ctx, { body, params }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      done(
        await transaction((t) =>
          setNotificationTexts(t, { admin, organisationId, locale: params.lang, texts: body, meta: requestMeta(ctx) }),
        ),
      );
      ctx.body = await view(organisationId);
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/admin/notification-texts/:lang",
      summary: "Reset the notification texts in one language to the defaults (audited)",
      tags: ["admin"],
      security: "session",
      params: LangParams,
      before: adminWrite,
      responses: {
        200: { description: "The texts after the reset", schema: AdminNotificationTextsSchema },
        ...adminResponses,
      },
    },
    async (ctx, { params }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      done(
        await transaction((t) =>
          resetNotificationTexts(t, { admin, organisationId, locale: params.lang, meta: requestMeta(ctx) }),
        ),
      );
      ctx.body = await view(organisationId);
    },
  );
}
