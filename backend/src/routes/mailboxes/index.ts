import type Router from "@koa/router";
import { z } from "zod";
import { limits, perUser } from "../../api/limits.js";
import {
  IdCheckCodeBody,
  limitIdCheckSend,
  limitIdCheckVerify,
  presentIdCheckSent,
  presentIdCheckVerified,
} from "../messages/idCheckSteps.js";
import { limitOrganisationSend, presentSent, sendInput } from "../messages/sendSteps.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import {
  listMailboxFolder,
  openMailboxMessage,
  openMailboxThread,
  revealMailboxMessage,
  sendAsMailbox,
  sendMailboxIdCheck,
  verifyMailboxIdCheck,
} from "../../commands/mailboxMessages.js";
import {
  assertRight,
  loadMembership,
  membershipOrNull,
  myMailboxes,
  setMailboxNotify,
} from "../../services/sharedMailboxes/membership.js";
import { type MailboxDetail, memberCandidates, orgMailbox } from "../../services/sharedMailboxes/admin.js";
import { KeysLockedError, requestPrivateKey } from "../../services/messages/readMessage.js";
import { presentMailboxItem } from "../../presenters/mailbox.js";
import { presentPerson } from "../../presenters/message.js";
import {
  MailboxMemberSchema,
  MyMailboxSchema,
  presentMailboxMember,
  presentMyMailbox,
} from "../../presenters/sharedMailbox.js";
import {
  MailboxParams,
  MailboxQuery,
  MailboxResponse,
  MessageResponse,
  SendMessageBody,
  SentResponse,
  ThreadResponse,
  MAX_BODY_CHARS,
} from "../messages/schema.js";
import { deleteMailboxMember, putMailboxMember } from "./memberSteps.js";
import { keyUnavailable, MemberParams, MemberRightsBody, memberInvalid } from "./schema.js";

const IdParams = z.object({ id: z.uuid() });
const FolderParams = IdParams.extend(MailboxParams.shape);
const MessageParams = z.object({ id: z.uuid(), messageId: z.uuid() });
/**
 * The web composer's plaintext form, or the add-in's pre-encrypted one (Outlook with the mailbox
 * as From): `encrypted` sealed to the mailbox's current key and the recipients', optionally with
 * the caller's own pre-encrypted `draftId` holding the uploaded attachments.
 */
const SendBody = SendMessageBody.refine((b) => !b.draftId || !!b.encrypted, {
  message: "draftId only with the pre-encrypted form (encrypted)",
  path: ["draftId"],
});
const MailboxEvent = z.object({
  messageId: z.string(),
  action: z.enum(["read", "replied", "sent"]),
  member: z.object({ id: z.string(), name: z.string().nullable(), email: z.string() }).nullable(),
  at: z.string(),
});
const MailboxMessageResponse = MessageResponse.extend({ mailboxEvents: z.array(MailboxEvent) });
const MailboxThreadResponse = z.object({
  threadId: z.string(),
  messages: z.array(ThreadResponse.shape.messages.element.extend({ mailboxEvents: z.array(MailboxEvent) })),
});

const notFound = {
  description: "`not_found`: no such mailbox or message, or the caller is not a member (S4)",
  schema: ErrorSchema,
};
const unauthenticated = { description: "`authentication_required`", schema: ErrorSchema };
const keysLocked = { description: "`keys_locked`: sign in with the password to unlock the key", schema: ErrorSchema };
const gone = {
  description: "`message_expired`, `message_burned`, `message_shredded` or `message_key_lost`",
  schema: ErrorSchema,
};
/** A member reading through the mailbox key, which their own unlocked key opens. */
const readResponses = { 401: unauthenticated, 403: keysLocked, 404: notFound };

/** What every route on one message of the mailbox declares: a member's session and both ids. */
const onMailboxMessage = () => ({
  tags: ["mailboxes"],
  security: "session" as const,
  params: MessageParams,
  before: [authenticated()],
});

/** The mailbox's members as the managing member sees them (none when it is gone meanwhile). */
const presentMembers = (detail: MailboxDetail | null) =>
  (detail?.members ?? []).map(({ member, user }) => presentMailboxMember(member, user));

/**
 * Shared mailboxes for their members (issue 11, F25): list my mailboxes, read, reply and send as
 * a mailbox, and manage its members with the `manage` right. Non-members get 404 throughout.
 */
export function sharedMailboxRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailboxes",
      summary: "The shared mailboxes the caller is a member of, with rights and unread counts",
      tags: ["mailboxes"],
      security: "session",
      before: [authenticated()],
      responses: {
        200: { description: "By name", schema: z.object({ mailboxes: z.array(MyMailboxSchema) }) },
        401: unauthenticated,
      },
    },
    async (ctx) => {
      ctx.body = { mailboxes: (await myMailboxes(currentUser(ctx))).map(presentMyMailbox) };
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/mailboxes/:id/notifications",
      summary: "Turn the caller's e-mail notice for new messages in the mailbox on or off (any member)",
      tags: ["mailboxes"],
      security: "session",
      params: IdParams,
      body: z.object({ notify: z.boolean() }).strict(),
      before: [authenticated(), perUser("mailbox-settings-user", limits.apiUser)],
      responses: {
        200: { description: "Saved", schema: z.object({ notify: z.boolean() }) },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: unauthenticated,
        404: notFound,
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const membership = await setMailboxNotify(currentUser(ctx), params.id, body.notify);
      ctx.body = { notify: membership.member.notify };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailboxes/:id/folder/:folder",
      summary: "A folder of a shared mailbox (inbox, sent, …), newest first, with unread counts",
      tags: ["mailboxes"],
      security: "session",
      params: FolderParams,
      query: MailboxQuery,
      before: [authenticated()],
      responses: {
        200: { description: "One page, decrypted with the mailbox key", schema: MailboxResponse },
        ...readResponses,
      },
    },
    async (ctx, { params, query }) => {
      const result = await listMailboxFolder(authState(ctx), params.id, params.folder, {
        ...query,
        q: query.q || undefined,
      });
      ctx.body = {
        folder: result.folder,
        total: result.page.total,
        unread: result.unread,
        items: result.page.items.map(presentMailboxItem),
      };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailboxes/:id/messages/:messageId",
      summary: "A message of the shared mailbox, decrypted; the member's read is recorded",
      ...onMailboxMessage(),
      responses: {
        200: { description: "The message with who read and answered it", schema: MailboxMessageResponse },
        ...readResponses,
        410: gone,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await openMailboxMessage(authState(ctx), params.id, params.messageId);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailboxes/:id/messages/:messageId/reveal",
      summary: "Show the message (counts as the mailbox's read: receipts, burn after reading)",
      ...onMailboxMessage(),
      responses: {
        200: { description: "The message with its body", schema: MailboxMessageResponse },
        401: unauthenticated,
        403: { description: "`keys_locked` or `csrf_failed`", schema: ErrorSchema },
        404: notFound,
        410: gone,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await revealMailboxMessage(authState(ctx), params.id, params.messageId, requestMeta(ctx));
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailboxes/:id/messages/:messageId/id-check",
      summary: "ID check (F4) on a mailbox's message: the SMS code goes to the member's own verified phone",
      ...onMailboxMessage(),
      responses: {
        202: { description: "Code sent (the number masked here)", schema: z.object({ mobile: z.string().nullable() }) },
        401: unauthenticated,
        404: notFound,
        409: { description: "`id_check_not_required`", schema: ErrorSchema },
        422: { description: "`no_phone`: the member has no verified primary phone", schema: ErrorSchema },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      await limitIdCheckSend(auth.user.id, params.messageId);
      ctx.body = presentIdCheckSent(await sendMailboxIdCheck(auth, params.id, params.messageId));
      ctx.status = 202;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailboxes/:id/messages/:messageId/id-check/verify",
      summary: "ID check (F4) on a mailbox's message: the member's code; this session may then open it",
      ...onMailboxMessage(),
      body: IdCheckCodeBody,
      responses: {
        200: { description: "Passed for this session", schema: z.object({ verified: z.literal(true) }) },
        400: { description: "`invalid_code`", schema: ErrorSchema },
        401: unauthenticated,
        404: notFound,
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      await limitIdCheckVerify(auth.user.id, params.messageId);
      ctx.body = presentIdCheckVerified(await verifyMailboxIdCheck(auth, params.id, params.messageId, body.code));
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailboxes/:id/messages/:messageId/thread",
      summary: "The dialog history as the mailbox, with which member read and which answered",
      ...onMailboxMessage(),
      responses: {
        200: { description: "The thread, oldest first", schema: MailboxThreadResponse },
        ...readResponses,
      },
    },
    async (ctx, { params }) => {
      ctx.body = await openMailboxThread(authState(ctx), params.id, params.messageId);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailboxes/:id/messages",
      summary:
        "Send as the mailbox: a reply (`replyTo`, any member) or a new message (`send` right); plaintext or the add-in's pre-encrypted form",
      tags: ["mailboxes"],
      security: "session",
      params: IdParams,
      body: SendBody,
      bodyLimit: MAX_BODY_CHARS * 2 + 64 * 1024,
      before: [authenticated(), perUser("send-user", limits.sendUser)],
      responses: {
        201: { description: "Sent with the mailbox as sender", schema: SentResponse },
        400: { description: "`validation_error`", schema: ErrorSchema },
        401: unauthenticated,
        403: {
          description: "`mailbox_right_missing` (a new message without `send`), `keys_locked`, plan limits",
          schema: ErrorSchema,
        },
        404: notFound,
        422: {
          description:
            "`mobile_required`, `invalid_mobile`, `invalid_expiry`, `no_recipients`, `subject_not_allowed` (the organisation's subject rule forbids this subject), `signature_required` (pre-encrypted form), `invalid_encrypted_message` (an envelope missing or not to the mailbox's current key)",
          schema: ErrorSchema,
        },
        429: { description: "`rate_limited`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      await limitOrganisationSend(user.organisationId);
      const result = await sendAsMailbox(authState(ctx), params.id, sendInput(body, requestMeta(ctx)));
      // The notification names the mailbox as the sender, as the message does.
      const sent = await presentSent(
        result,
        body.notificationLocale,
        async () => (await membershipOrNull(user, params.id))?.identity ?? user,
      );
      ctx.status = 201;
      ctx.body = sent;
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailboxes/:id/members",
      summary: "The mailbox's members and rights, and who can be added (members with `manage`)",
      tags: ["mailboxes"],
      security: "session",
      params: IdParams,
      before: [authenticated()],
      responses: {
        200: {
          description: "Members; `candidates`: the organisation's active staff and admins who are not members",
          schema: z.object({
            members: z.array(MailboxMemberSchema),
            candidates: z.array(z.object({ id: z.string(), email: z.string(), name: z.string().nullable() })),
          }),
        },
        401: unauthenticated,
        403: { description: "`mailbox_right_missing`", schema: ErrorSchema },
        404: notFound,
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const membership = await loadMembership(user, params.id);
      assertRight(membership, "manage");
      const detail = await orgMailbox(membership.mailbox.organisationId, params.id);
      ctx.body = {
        members: presentMembers(detail),
        candidates: detail ? (await memberCandidates(detail)).map(presentPerson) : [],
      };
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/mailboxes/:id/members/:userId",
      summary: "Add a member or change their rights (`manage`); the caller's own wrap passes the key on",
      tags: ["mailboxes"],
      security: "session",
      params: MemberParams,
      body: MemberRightsBody,
      before: [authenticated()],
      responses: {
        200: { description: "Members after the change", schema: z.object({ members: z.array(MailboxMemberSchema) }) },
        401: unauthenticated,
        403: { description: "`mailbox_right_missing` or `keys_locked`", schema: ErrorSchema },
        404: notFound,
        409: keyUnavailable,
        422: memberInvalid,
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      const membership = await loadMembership(auth.user, params.id);
      assertRight(membership, "manage");
      const actorKey = await requestPrivateKey(auth);
      if (!actorKey) throw KeysLockedError();
      const detail = await putMailboxMember({
        organisationId: membership.mailbox.organisationId,
        mailboxId: params.id,
        mailboxNotFound: "Mailbox not found",
        actor: auth.user,
        actorKey,
        userId: params.userId,
        send: body.send,
        manage: body.manage,
        meta: requestMeta(ctx),
      });
      ctx.body = { members: presentMembers(detail) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/mailboxes/:id/members/:userId",
      summary: "Remove a member (`manage`): their wraps go at once and the mailbox key is rotated",
      tags: ["mailboxes"],
      security: "session",
      params: MemberParams,
      before: [authenticated()],
      responses: {
        200: { description: "Members after the change", schema: z.object({ members: z.array(MailboxMemberSchema) }) },
        401: unauthenticated,
        403: { description: "`mailbox_right_missing`", schema: ErrorSchema },
        404: notFound,
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const membership = await loadMembership(user, params.id);
      assertRight(membership, "manage");
      const detail = await deleteMailboxMember({
        organisationId: membership.mailbox.organisationId,
        mailboxId: params.id,
        mailboxNotFound: "Mailbox not found",
        actor: user,
        userId: params.userId,
        meta: requestMeta(ctx),
      });
      ctx.body = { members: presentMembers(detail) };
    },
  );
}
