import type Router from "@koa/router";
import { limits, perUser } from "../../api/limits.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import {
  IdCheckCodeBody,
  limitIdCheckSend,
  limitIdCheckVerify,
  presentIdCheckSent,
  presentIdCheckVerified,
} from "./idCheckSteps.js";
import {
  encryptedMessageForReader,
  openMessageForReader,
  revealMessageForReader,
} from "../../commands/openMessageForReader.js";
import { openThreadForReader } from "../../commands/openThreadForReader.js";
import { submitMessage } from "../../commands/submitMessage.js";
import { KeysLockedError, requestPrivateKey } from "../../services/messages/readMessage.js";
import { saveDraft } from "../../commands/saveDraft.js";
import { correctRecipientMobile } from "../../commands/correctRecipientMobile.js";
import { sendIdCheck } from "../../commands/sendIdCheck.js";
import { verifyIdCheck } from "../../commands/verifyIdCheck.js";
import { z } from "zod";
import { composeDefaultsRoutes } from "./composeDefaults.js";
import { bodyParts, limitOrganisationSend, presentSent, sendInput } from "./sendSteps.js";
import {
  EncryptedMessageResponse,
  SaveDraftBody,
  MessageIdParams,
  MessageResponse,
  SendMessageBody,
  SentResponse,
  ThreadResponse,
  MAX_BODY_CHARS,
} from "./schema.js";

const notFound = {
  description: "`not_found`: no such message, or the caller is not one of its readers (S4)",
  schema: ErrorSchema,
};
const unauthenticated = { description: "`authentication_required`", schema: ErrorSchema };
const gone = {
  description: "`message_expired`, `message_burned`, `message_shredded` or `message_key_lost`",
  schema: ErrorSchema,
};

/** What every route on one of the caller's messages declares: a session and the message id. */
const onMessage = () => ({
  tags: ["messages"],
  security: "session" as const,
  params: MessageIdParams,
  before: [authenticated()],
});

export function messageRoutes(router: Router): void {
  composeDefaultsRoutes(router);
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages",
      summary: "Send a secure message (plaintext form; the server encrypts on arrival)",
      tags: ["messages"],
      security: "session",
      body: SendMessageBody,
      bodyLimit: MAX_BODY_CHARS * 2 + 64 * 1024,
      before: [authenticated(), perUser("send-user", limits.sendUser)],
      responses: {
        201: { description: "Sent: encrypted, stored, recipients notified through the outbox", schema: SentResponse },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: unauthenticated,
        403: { description: "`plan_reply_only` (Basic) or `plan_quota_exceeded` (monthly limit)", schema: ErrorSchema },
        404: notFound,
        413: { description: "`payload_too_large`", schema: ErrorSchema },
        422: {
          description:
            "`mobile_required`, `invalid_mobile`, `invalid_expiry`, `no_recipients`, `signature_required` (pre-encrypted form: the current version of the organisation's mandatory signature was not declared; `version` names it), `subject_not_allowed` (plaintext form: the organisation's subject rule forbids this subject)",
          schema: ErrorSchema,
        },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      await limitOrganisationSend(user.organisationId);
      const result = await submitMessage({ auth: authState(ctx), ...sendInput(body, requestMeta(ctx)) });
      const sent = await presentSent(result, body.notificationLocale, async () => user);
      ctx.status = 201;
      ctx.body = sent;
    },
  );
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id",
      summary: "The decrypted message, for its readers only",
      ...onMessage(),
      responses: {
        200: {
          description:
            "The message; HTML is sanitised; with hidden recipients a recipient sees only the sender and themselves",
          schema: MessageResponse,
        },
        401: unauthenticated,
        403: {
          description: "`keys_locked`: this session holds no unlocked key (sign in with the password)",
          schema: ErrorSchema,
        },
        404: notFound,
        410: gone,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await openMessageForReader(authState(ctx), params.id);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/reveal",
      summary: "Show the message: the only step that counts as a read (read receipt, burn after reading)",
      ...onMessage(),
      responses: {
        200: {
          description:
            "The message with its body; a burn-after-reading message is destroyed once every recipient has revealed it",
          schema: MessageResponse,
        },
        401: unauthenticated,
        403: { description: "`keys_locked` or `csrf_failed`", schema: ErrorSchema },
        404: notFound,
        410: gone,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await revealMessageForReader(authState(ctx), params.id, requestMeta(ctx));
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id/thread",
      summary: "The dialog history: every message of the thread the caller can read, oldest first",
      ...onMessage(),
      responses: {
        200: {
          description: "The thread; destroyed or expired messages are listed without content (`available: false`)",
          schema: ThreadResponse,
        },
        401: unauthenticated,
        403: { description: "`keys_locked`", schema: ErrorSchema },
        404: notFound,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await openThreadForReader(authState(ctx), params.id);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/id-check",
      summary: "ID check (F4): send the SMS code that opens this message in this session",
      ...onMessage(),
      responses: {
        202: {
          description: "Code sent to the recipient's mobile number (masked here)",
          schema: z.object({ mobile: z.string().nullable() }),
        },
        404: notFound,
        409: { description: "`id_check_not_required`", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      await limitIdCheckSend(auth.user.id, params.id);
      ctx.body = presentIdCheckSent(await transaction((t) => sendIdCheck(t, auth.user, params.id)));
      ctx.status = 202;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/id-check/verify",
      summary: "ID check (F4): enter the SMS code; this session may then open the message",
      ...onMessage(),
      body: IdCheckCodeBody,
      responses: {
        200: { description: "Passed for this session", schema: z.object({ verified: z.literal(true) }) },
        400: { description: "`invalid_code`", schema: ErrorSchema },
        404: notFound,
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      await limitIdCheckVerify(auth.user.id, params.id);
      ctx.body = presentIdCheckVerified(await transaction((t) => verifyIdCheck(t, auth, params.id, body.code)));
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id/encrypted",
      summary: "The stored form (content JWE and the caller's own key envelope) for clients that decrypt themselves",
      ...onMessage(),
      responses: {
        200: {
          description: "Open the envelope with your private key, then the content (docs/format.md)",
          schema: EncryptedMessageResponse,
        },
        401: unauthenticated,
        403: { description: "`id_check_required` or `reveal_in_web` (burn after reading)", schema: ErrorSchema },
        404: notFound,
        410: { description: "`message_expired`, `message_burned` or `message_shredded`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      ctx.body = await encryptedMessageForReader(authState(ctx), params.id);
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/messages/drafts/:id",
      summary: "Save a draft's subject, body and intended recipients, encrypted under the draft's key",
      tags: ["messages"],
      security: "session",
      params: MessageIdParams,
      body: SaveDraftBody,
      bodyLimit: MAX_BODY_CHARS * 2 + 64 * 1024,
      before: [authenticated(), perUser("draft-save-user", limits.draftUser)],
      responses: {
        204: { description: "Saved" },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: unauthenticated,
        403: { description: "`keys_locked`", schema: ErrorSchema },
        404: notFound,
        409: { description: "`not_a_draft`: already sent", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      const privateKey = await requestPrivateKey(auth);
      if (!privateKey) throw KeysLockedError();
      const { text, html } = bodyParts(body.body);
      await transaction((t) =>
        saveDraft(t, auth.user, params.id, privateKey, {
          subject: body.subject,
          text,
          html,
          to: body.to,
          options: body.options,
        }),
      );
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/messages/:id/recipients/:userId/mobile",
      summary: "Sender only: correct a first-time recipient's mobile number after a wrong-number notice",
      tags: ["messages"],
      security: "session",
      params: z.object({ id: z.uuid(), userId: z.uuid() }),
      body: z.object({ mobile: z.string().trim().min(3).max(32) }).strict(),
      before: [authenticated()],
      responses: {
        200: {
          description: "The next SMS code for this recipient goes to the new number (masked here)",
          schema: z.object({ mobile: z.string().nullable() }),
        },
        404: { description: "`not_found`: not the caller's message, or no such recipient", schema: ErrorSchema },
        409: { description: "`recipient_registered`: the recipient has an account already", schema: ErrorSchema },
        422: { description: "`invalid_mobile`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      ctx.body = {
        mobile: await transaction((t) => correctRecipientMobile(t, user, params.id, params.userId, body.mobile)),
      };
    },
  );
}
