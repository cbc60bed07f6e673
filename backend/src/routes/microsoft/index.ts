import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { loginIpLimit } from "../../api/authLimits.js";
import { ServiceUnavailableError, appError } from "../../errors.js";
import { signInWithEntraToken } from "../../commands/signInWithEntraToken.js";
import { entraConfig } from "../../services/microsoft/entraToken.js";
import { MeSchema, presentMe } from "../../presenters/me.js";

const MicrosoftBody = z.object({ token: z.string().trim().min(1).max(16_384) });
const MicrosoftResponse = z
  .object({ token: z.string(), tokenId: z.string(), user: MeSchema })
  .meta({ id: "MicrosoftSignIn" });

const MicrosoftConfigResponse = z
  .object({
    clientId: z.string().meta({ description: "The Entra app registration's client id" }),
    scope: z.string().meta({ description: "The API scope, api://<host>/<client id>/access_as_user" }),
    authority: z
      .string()
      .meta({ description: "The MSAL authority, e.g. https://login.microsoftonline.com/organizations" }),
  })
  .meta({ id: "MicrosoftSignInConfig" });

const invalidToken = () => appError("invalid_token", "The Microsoft sign-in could not be verified. Sign in again.");
const noAccount = () =>
  appError(
    "account_not_found",
    "There is no active Kuvert staff account for this Microsoft account in a connected organisation.",
  );

export function microsoftAuthRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/auth/microsoft/config",
      summary:
        "The add-in's Microsoft sign-in settings for nested app authentication (MSAL): client id, API scope, authority",
      tags: ["auth"],
      security: "none",
      responses: {
        200: { description: "Microsoft sign-in is on", schema: MicrosoftConfigResponse },
        404: { description: "`microsoft_sign_in_disabled`: ENTRA_CLIENT_ID is not configured", schema: ErrorSchema },
      },
    },
    async (ctx) => {
      const config = entraConfig();
      if (!config) throw appError("microsoft_sign_in_disabled", "Microsoft sign-in is not configured on this server");
      ctx.body = { clientId: config.clientId, scope: config.addinScope, authority: config.addinAuthority };
    },
  );
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/auth/microsoft",
      summary:
        "Sign in the Outlook add-in with a Microsoft Entra ID access token for the add-in's API (scope access_as_user); returns a revocable API token",
      tags: ["auth"],
      security: "none",
      body: MicrosoftBody,
      responses: {
        200: { description: "A bearer token for the add-in (shown once) and the user", schema: MicrosoftResponse },
        401: {
          description:
            "`invalid_token` (signature, issuer, audience, expiry; not an access token with scp access_as_user, e.g. an ID token; no tid/oid), `account_not_found` (tenant not connected, no active staff user) or `microsoft_second_factor_required` (the user has Kuvert 2FA and Entra MFA does not stand in for it)",
          schema: ErrorSchema,
        },
        403: {
          description:
            "`microsoft_account_mismatch`: the Kuvert account with this sign-in name is bound to another Entra person (oid + tid)",
          schema: ErrorSchema,
        },
        404: { description: "`microsoft_sign_in_disabled`: ENTRA_CLIENT_ID is not configured", schema: ErrorSchema },
        423: { description: "`account_locked`", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
        503: { description: "Microsoft's signing keys could not be fetched", schema: ErrorSchema },
      },
      before: [loginIpLimit("microsoft-ip")],
    },
    async (ctx, { body }) => {
      const config = entraConfig();
      if (!config) throw appError("microsoft_sign_in_disabled", "Microsoft sign-in is not configured on this server");
      const result = await signInWithEntraToken(body.token, config, requestMeta(ctx));
      if (result.kind === "jwks_unavailable")
        throw ServiceUnavailableError("Microsoft sign-in is unavailable right now; try again");
      if (result.kind === "invalid_token") throw invalidToken();
      if (result.kind === "unknown_tenant" || result.kind === "unknown_user") throw noAccount();
      if (result.kind === "identity_mismatch")
        throw appError(
          "microsoft_account_mismatch",
          "This Kuvert account is linked to another Microsoft account. Sign in with your e-mail address and password.",
        );
      if (result.kind === "second_factor_required")
        throw appError(
          "microsoft_second_factor_required",
          "Sign in with your e-mail address, password and second factor; Microsoft sign-in does not replace it here.",
        );
      if (result.kind === "locked")
        throw appError("account_locked", "The account is locked. Reset your password to unlock it.");
      ctx.body = {
        token: result.token,
        tokenId: result.tokenId,
        user: presentMe(result.user, result.organisation, "full"),
      };
    },
  );
}
