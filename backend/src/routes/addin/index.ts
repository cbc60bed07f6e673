import { membershipOrNull } from "../../services/sharedMailboxes/membership.js";
import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { NotFoundError } from "../../errors.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { transaction } from "../../db.js";
import { mayGetSenderNotification } from "../../policies/messages.js";
import { optionNames } from "../../services/messages/orgPolicy.js";
import { messageOptionDefaults } from "../../services/messages/composeDefaults.js";
import { authorizeMessageReader, messageById, messageBySharedToken } from "../../services/messages/messageAccess.js";
import { senderNotification } from "../../services/messages/senderNotification.js";
import { limits, perUser } from "../../api/limits.js";
import { smartAlertsSendModes } from "#shared/smartAlertsPolicy.js";
import { adminPoliciesOf } from "../../services/admin/orgPolicies.js";
import { findOrganisation } from "../../services/admin/usage.js";
import { SubjectRuleSchema } from "../messages/composeDefaults.js";

const NotificationQuery = z.object({
  messageId: z.uuid(),
  locale: z.enum(["sv", "en"]).default("sv"),
});
const OptionFlags = z.object(
  Object.fromEntries(optionNames.map((n) => [n, z.boolean()])) as Record<(typeof optionNames)[number], z.ZodBoolean>,
);
const SettingsResponse = z.object({
  options: z.object({
    defaults: OptionFlags.describe("What a message gets for each function the sender leaves alone"),
    forced: z.array(z.enum(optionNames)).describe("Always on by organisation policy"),
    defaultExpiryDays: z.number().nullable(),
  }),
  smartAlerts: z
    .object({
      keywords: z.array(z.string()),
      sendMode: z.enum(smartAlertsSendModes),
      allowSendAnyway: z.boolean(),
    })
    .describe("The organisation's Smart Alerts policy: the pane keeps it in Outlook's roaming settings"),
  subjectRule: SubjectRuleSchema,
});
const NotificationResponse = z.object({ subject: z.string(), html: z.string(), link: z.string() });
const SharedParams = z.object({ token: z.string().min(1).max(100) });

/**
 * The neutral notification the add-in turns the Outlook item into after Send securely (F1):
 * the backend's own notification template (no subject, no content), with a link to the message
 * in the secure web mailbox. Only the message's sender may ask.
 */
export function addinRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/addin/settings",
      summary:
        "The organisation's defaults for the security functions, its Smart Alerts policy and subject rule, for the pane",
      tags: ["messages"],
      security: "session",
      before: [authenticated(), perUser("addin-settings-user", limits.apiUser)],
      responses: {
        200: {
          description: "`{options: {defaults, forced, defaultExpiryDays}, smartAlerts, subjectRule}`",
          schema: SettingsResponse,
        },
        401: { description: "`authentication_required`", schema: ErrorSchema },
      },
    },
    async (ctx) => {
      const user = currentUser(ctx);
      const options = await transaction((t) => messageOptionDefaults(t, user));
      const org = user.organisationId ? await findOrganisation(user.organisationId) : null;
      const policies = adminPoliciesOf(org?.policy ?? {});
      ctx.body = {
        options: { defaults: options.defaults, forced: options.forced, defaultExpiryDays: options.defaultExpiryDays },
        smartAlerts: policies.smartAlerts,
        subjectRule: policies.subjectRule,
      };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/addin/notification",
      summary: "Neutral subject and HTML body for the Outlook item of a message sent from the add-in",
      tags: ["messages"],
      security: "session",
      query: NotificationQuery,
      before: [authenticated(), perUser("addin-notification-user", limits.apiUser)],
      responses: {
        200: { description: "`{subject, html, link}`", schema: NotificationResponse },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        404: {
          description:
            "`not_found`: no such message, or the caller is not its sender (nor a member of the mailbox that sent it)",
          schema: ErrorSchema,
        },
      },
    },
    async (ctx, { query }) => {
      const user = currentUser(ctx);
      const message = await messageById(query.messageId);
      // Sent as a shared mailbox (Outlook, From = the mailbox): its members may fetch it too.
      const membership =
        message?.senderId && message.senderId !== user.id ? await membershipOrNull(user, message.senderId) : null;
      if (!mayGetSenderNotification(user, message, !!membership)) throw NotFoundError();
      const notification = await senderNotification(membership?.identity ?? user, message, query.locale);
      ctx.body = { subject: notification.subject, html: notification.html, link: notification.link };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/addin/shared/:token",
      summary: "The message behind a shared link (/m/{token}) in an Outlook notification, for its readers (read pane)",
      tags: ["messages"],
      security: "session",
      params: SharedParams,
      before: [authenticated(), perUser("addin-shared-user", limits.apiUser)],
      responses: {
        200: { description: "`{messageId}`", schema: z.object({ messageId: z.string() }) },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        404: { description: "`not_found`: no such link, or the caller is not one of its readers", schema: ErrorSchema },
        410: { description: "The message is gone (burned)", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const message = await messageBySharedToken(params.token);
      if (!message) throw NotFoundError();
      await authorizeMessageReader(user, message.id);
      ctx.body = { messageId: message.id };
    },
  );
}
