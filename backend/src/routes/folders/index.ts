import type Router from "@koa/router";
import { z } from "zod";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import {
  createFolder,
  deleteFolder,
  findOwnFolder,
  listFolders,
  markEntries,
  moveEntries,
  renameFolder,
  type MoveTarget,
} from "../../services/messages/folders.js";

const FolderSchema = z.object({ id: z.string(), name: z.string(), total: z.number(), unread: z.number() });
const NameBody = z.object({ name: z.string().min(1).max(100) }).strict();
const IdParams = z.object({ id: z.uuid() });
const MessageIds = z.array(z.uuid()).min(1).max(500);
const MoveBody = z
  .object({ messageIds: MessageIds, folder: z.union([z.enum(["inbox", "sent", "saved"]), z.uuid()]) })
  .strict();
const MarkBody = z.object({ messageIds: MessageIds, unread: z.boolean() }).strict();
const Count = z.object({ count: z.number() });

const common = {
  400: { description: "`validation_error`", schema: ErrorSchema },
  401: { description: "`authentication_required`", schema: ErrorSchema },
};

function present(f: { folder: { id: string; name: string }; total: number; unread: number }) {
  return { id: f.folder.id, name: f.folder.name, total: f.total, unread: f.unread };
}

/** Own folders and moving/marking many messages at once (F11). Only the caller's own entries change (S4). */
export function folderRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/folders",
      summary: "The caller's own folders with totals and unread counts",
      tags: ["mailbox"],
      security: "session",
      before: [authenticated()],
      responses: {
        200: { description: "Folders by name", schema: z.object({ folders: z.array(FolderSchema) }) },
        ...common,
      },
    },
    async (ctx) => {
      ctx.body = { folders: (await listFolders(currentUser(ctx))).map(present) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/folders",
      summary: "Create a folder",
      tags: ["mailbox"],
      security: "session",
      body: NameBody,
      before: [authenticated()],
      responses: {
        201: { description: "Created", schema: FolderSchema },
        409: { description: "`folder_exists`", schema: ErrorSchema },
        422: { description: "`invalid_name`, `too_many_folders`", schema: ErrorSchema },
        ...common,
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const folder = await transaction((t) => createFolder(t, user, body.name));
      ctx.status = 201;
      ctx.body = present({ folder, total: 0, unread: 0 });
    },
  );

  defineRoute(
    router,
    {
      method: "patch",
      path: "/api/folders/:id",
      summary: "Rename a folder",
      tags: ["mailbox"],
      security: "session",
      params: IdParams,
      body: NameBody,
      before: [authenticated()],
      responses: {
        200: { description: "Renamed", schema: z.object({ id: z.string(), name: z.string() }) },
        404: { description: "`not_found`", schema: ErrorSchema },
        409: { description: "`folder_exists`", schema: ErrorSchema },
        ...common,
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      const folder = await transaction((t) => renameFolder(t, user, params.id, body.name));
      ctx.body = { id: folder.id, name: folder.name };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/folders/:id",
      summary: "Delete a folder; its messages go back to Inbox or Sent",
      tags: ["mailbox"],
      security: "session",
      params: IdParams,
      before: [authenticated()],
      responses: {
        200: { description: "How many messages moved back", schema: Count },
        404: { description: "`not_found`", schema: ErrorSchema },
        ...common,
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      ctx.body = { count: await transaction((t) => deleteFolder(t, user, params.id)) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailbox/move",
      summary: "Move one or many messages to Inbox, Sent, Saved or an own folder",
      tags: ["mailbox"],
      security: "session",
      body: MoveBody,
      before: [authenticated()],
      responses: {
        200: { description: "How many of the caller's messages moved", schema: Count },
        404: { description: "`not_found`: no such folder of the caller's", schema: ErrorSchema },
        ...common,
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      ctx.body = {
        count: await transaction(async (t) => {
          const target: MoveTarget =
            body.folder === "inbox" || body.folder === "sent" || body.folder === "saved"
              ? { kind: body.folder }
              : { kind: "custom", folder: await findOwnFolder(t, user, body.folder) };
          return moveEntries(t, user, body.messageIds, target);
        }),
      };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailbox/mark",
      summary: "Mark one or many messages read or unread",
      tags: ["mailbox"],
      security: "session",
      body: MarkBody,
      before: [authenticated()],
      responses: { 200: { description: "How many changed", schema: Count }, ...common },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      ctx.body = { count: await transaction((t) => markEntries(t, user, body.messageIds, body.unread)) };
    },
  );
}
