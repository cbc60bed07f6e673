import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { requestMeta } from "../../api/requestMeta.js";
import { transaction } from "../../db.js";
import { appError, NotFoundError } from "../../errors.js";
import { authState, currentUser } from "../../middlewares/authenticate.js";
import { createSharedMailbox } from "../../commands/createSharedMailbox.js";
import { deleteSharedMailbox, renameSharedMailbox } from "../../commands/changeSharedMailbox.js";
import { listOrgMailboxes, orgMailbox } from "../../services/sharedMailboxes/admin.js";
import { requestPrivateKey } from "../../services/messages/readMessage.js";
import { presentSharedMailbox, SharedMailboxSchema } from "../../presenters/sharedMailbox.js";
import { adminOrg, adminRead, adminResponses, adminWrite } from "./common.js";
import { deleteMailboxMember, putMailboxMember } from "../mailboxes/memberSteps.js";
import { keyUnavailable, MemberParams, MemberRightsBody, memberInvalid } from "../mailboxes/schema.js";

const CreateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(320).describe("The mailbox's address, e.g. socialtjansten@kommun.se"),
    members: z
      .array(MemberRightsBody.extend({ userId: z.uuid() }).strict())
      .max(200)
      .default([]),
  })
  .strict();
const IdParams = z.object({ id: z.uuid() });
const RenameBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const DeleteQuery = z
  .object({
    withMessages: z
      .enum(["true", "false"])
      .default("false")
      .describe("`true`: also when it holds messages (they are crypto-shredded for the mailbox)"),
  })
  .strict();
const ListSchema = z.object({ mailboxes: z.array(SharedMailboxSchema) });
const OneSchema = z.object({ mailbox: SharedMailboxSchema });

const notFound = {
  description: "`not_found`: no such mailbox (or member) in the admin's organisation",
  schema: ErrorSchema,
};

/** The admin console's shared mailboxes (issue 11, F25). */
export function adminMailboxRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/mailboxes",
      summary: "The organisation's shared mailboxes with their members and rights",
      tags: ["admin"],
      security: "session",
      before: adminRead,
      responses: { 200: { description: "Mailboxes by name", schema: ListSchema }, ...adminResponses },
    },
    async (ctx) => {
      const organisationId = adminOrg(currentUser(ctx));
      ctx.body = { mailboxes: (await listOrgMailboxes(organisationId)).map(presentSharedMailbox) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/admin/mailboxes",
      summary: "Create a shared mailbox: its address, its own key pair, and its first members",
      tags: ["admin"],
      security: "session",
      body: CreateBody,
      before: adminWrite,
      responses: {
        201: { description: "Created", schema: OneSchema },
        ...adminResponses,
        409: { description: "`mailbox_address_taken`", schema: ErrorSchema },
        422: memberInvalid,
      },
    },
    async (ctx, { body }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const result = await transaction(async (t) => {
        const created = await createSharedMailbox(t, {
          admin,
          organisationId,
          name: body.name,
          email: body.email,
          members: body.members,
          meta: requestMeta(ctx),
        });
        return created.kind === "created"
          ? { kind: created.kind, detail: await orgMailbox(organisationId, created.mailbox.id, t) }
          : created;
      });
      if (result.kind === "address_taken") throw appError("mailbox_address_taken");
      if (result.kind === "member_invalid") throw appError("mailbox_member_invalid");
      ctx.status = 201;
      ctx.body = { mailbox: presentSharedMailbox(result.detail!) };
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/admin/mailboxes/:id",
      summary: "One shared mailbox with its members",
      tags: ["admin"],
      security: "session",
      params: IdParams,
      before: adminRead,
      responses: { 200: { description: "The mailbox", schema: OneSchema }, ...adminResponses, 404: notFound },
    },
    async (ctx, { params }) => {
      const detail = await orgMailbox(adminOrg(currentUser(ctx)), params.id);
      if (!detail) throw NotFoundError("No such mailbox in your organisation");
      ctx.body = { mailbox: presentSharedMailbox(detail) };
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/admin/mailboxes/:id/members/:userId",
      summary: "Add a member or change their rights (a new member gets the mailbox key wrapped to them)",
      tags: ["admin"],
      security: "session",
      params: MemberParams,
      body: MemberRightsBody,
      before: adminWrite,
      responses: {
        200: { description: "The mailbox after the change", schema: OneSchema },
        ...adminResponses,
        404: notFound,
        409: keyUnavailable,
        422: memberInvalid,
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      const organisationId = adminOrg(auth.user);
      const detail = await putMailboxMember({
        organisationId,
        mailboxId: params.id,
        mailboxNotFound: "No such mailbox in your organisation",
        actor: auth.user,
        // An admin without an unlocked key may still add: the key then comes from the escrow.
        actorKey: await requestPrivateKey(auth),
        userId: params.userId,
        send: body.send,
        manage: body.manage,
        meta: requestMeta(ctx),
      });
      ctx.body = { mailbox: presentSharedMailbox(detail!) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/admin/mailboxes/:id/members/:userId",
      summary: "Remove a member: their key wraps go at once and the mailbox key is rotated",
      tags: ["admin"],
      security: "session",
      params: MemberParams,
      before: adminWrite,
      responses: {
        200: { description: "The mailbox after the change (with its new key version)", schema: OneSchema },
        ...adminResponses,
        404: notFound,
      },
    },
    async (ctx, { params }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const detail = await deleteMailboxMember({
        organisationId,
        mailboxId: params.id,
        mailboxNotFound: "No such mailbox in your organisation",
        actor: admin,
        userId: params.userId,
        meta: requestMeta(ctx),
      });
      ctx.body = { mailbox: presentSharedMailbox(detail!) };
    },
  );
  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/admin/mailboxes/:id",
      summary: "Rename a shared mailbox (also the sender name recipients see); the address stays",
      tags: ["admin"],
      security: "session",
      params: IdParams,
      body: RenameBody,
      before: adminWrite,
      responses: {
        200: { description: "The mailbox after the change", schema: OneSchema },
        ...adminResponses,
        404: notFound,
      },
    },
    async (ctx, { params, body }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const detail = await transaction(async (t) => {
        const found = await orgMailbox(organisationId, params.id, t);
        if (!found) throw NotFoundError("No such mailbox in your organisation");
        await renameSharedMailbox(t, { actor: admin, detail: found, name: body.name, meta: requestMeta(ctx) });
        return orgMailbox(organisationId, params.id, t);
      });
      ctx.body = { mailbox: presentSharedMailbox(detail!) };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/admin/mailboxes/:id",
      summary:
        "Delete a shared mailbox: refused while it holds messages unless `withMessages=true`, which crypto-shreds them for the mailbox",
      tags: ["admin"],
      security: "session",
      params: IdParams,
      query: DeleteQuery,
      before: adminWrite,
      responses: {
        200: {
          description: "Deleted; `messages` = how many mailbox entries were shredded",
          schema: z.object({ deleted: z.literal(true), messages: z.number() }),
        },
        ...adminResponses,
        404: notFound,
        409: { description: "`mailbox_not_empty` with `messages`: how many it holds", schema: ErrorSchema },
      },
    },
    async (ctx, { params, query }) => {
      const admin = currentUser(ctx);
      const organisationId = adminOrg(admin);
      const result = await transaction(async (t) => {
        const found = await orgMailbox(organisationId, params.id, t);
        if (!found) throw NotFoundError("No such mailbox in your organisation");
        return deleteSharedMailbox(t, {
          actor: admin,
          detail: found,
          withMessages: query.withMessages === "true",
          meta: requestMeta(ctx),
        });
      });
      if (result.kind === "not_empty")
        throw appError("mailbox_not_empty", undefined, { details: { messages: result.messages } });
      ctx.body = { deleted: true, messages: result.messages };
    },
  );
}
