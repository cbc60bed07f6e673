import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { NotFoundError } from "../../errors.js";
import { currentUser } from "../../middlewares/authenticate.js";
import { changeOrgSignature } from "../../commands/changeOrgSignature.js";
import {
  adminSignature,
  previewSignature,
  SIGNATURE_HTML_MAX_LENGTH,
  signatureModes,
  signaturePlaceholders,
} from "../../services/signatures/orgSignature.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";

const Rendered = z.object({ html: z.string().describe("Sanitised HTML"), text: z.string() });
const SignatureSchema = z
  .object({
    html: z.string().describe("Sanitised HTML with the placeholders as written"),
    mode: z
      .enum(signatureModes)
      .describe("default: staff may use their own signature instead; mandatory: appended to every secure message"),
    version: z.number().describe("Bumped on every change; the add-in sends it as signatureVersion"),
    updatedAt: z.string().nullable(),
    placeholders: z.array(z.enum(signaturePlaceholders)).describe("Written as {name}, {title}, …"),
    preview: Rendered.describe("Rendered for the signed-in admin"),
  })
  .meta({ id: "AdminSignature" });
const SignatureBody = z
  .object({
    html: z.string().max(SIGNATURE_HTML_MAX_LENGTH).describe("HTML; sanitised on save; placeholders {name} …"),
    mode: z.enum(signatureModes),
  })
  .strict();
const PreviewBody = z.object({ html: z.string().max(SIGNATURE_HTML_MAX_LENGTH) }).strict();

/** The organisation signature (F5, issue 10): read, set and previewed by the organisation's admins. */
export function adminSignatureRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/signature",
      summary: "The organisation signature, its policy and a preview for the signed-in admin",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "The signature", schema: SignatureSchema }, ...adminResponses },
    },
    async (ctx) => {
      const admin = currentUser(ctx);
      const view = await adminSignature(admin, adminOrg(admin));
      if (!view) throw NotFoundError();
      ctx.body = view;
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/signature",
      summary: "Set the organisation signature and its policy (sanitised; audited)",
      tags: ["admin"],
      security: "session",
      body: SignatureBody,
      before: adminWrite,
      responses: { 200: { description: "The signature after the change", schema: SignatureSchema }, ...adminResponses },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const result = await transaction((t) =>
        changeOrgSignature(t, { admin, organisationId, html: body.html, mode: body.mode, meta: requestMeta(ctx) }),
      );
      if (result.kind === "not_found") throw NotFoundError();
      const view = await adminSignature(admin, organisationId);
      if (!view) throw NotFoundError();
      ctx.body = view;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/signature/preview",
      summary: "Render a signature draft for the signed-in admin without saving it",
      tags: ["admin"],
      security: "session",
      body: PreviewBody,
      before: adminRead,
      responses: { 200: { description: "The rendered signature", schema: Rendered }, ...adminResponses },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const preview = await previewSignature(admin, adminOrg(admin), body.html);
      if (!preview) throw NotFoundError();
      ctx.body = preview;
    },
  );
}
