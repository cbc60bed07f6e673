import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { authenticated, currentUser } from "../../middlewares/authenticate.js";
import { transaction } from "../../db.js";
import { moveToTrash, restoreFromTrash } from "../../commands/moveToTrash.js";
import { emptyTrash } from "../../commands/emptyTrash.js";
import { CountSchema, EmptyTrashResultSchema, EmptyTrashSchema, MessageIdsSchema } from "./schema.js";

const errors = {
  400: { description: "Invalid request", schema: ErrorSchema },
  401: { description: "Not signed in", schema: ErrorSchema },
  403: { description: "CSRF check failed", schema: ErrorSchema },
};

/** Trash, restore and permanent deletion (F12). Only the caller's own mailbox entries are touched (S4). */
export function trashRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailbox/trash",
      summary: "Move messages to the trash",
      tags: ["mailbox"],
      security: "session",
      before: [authenticated()],
      body: MessageIdsSchema,
      responses: {
        200: { description: "How many of the caller's messages were moved", schema: CountSchema },
        ...errors,
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      ctx.body = { count: await transaction((t) => moveToTrash(t, user.id, body.messageIds)) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailbox/trash/restore",
      summary: "Put trashed messages back where they were",
      tags: ["mailbox"],
      security: "session",
      before: [authenticated()],
      body: MessageIdsSchema,
      responses: { 200: { description: "How many were restored", schema: CountSchema }, ...errors },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      ctx.body = { count: await transaction((t) => restoreFromTrash(t, user.id, body.messageIds)) };
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/mailbox/trash/empty",
      summary: "Delete trashed messages at once and for good (crypto-shredding)",
      tags: ["mailbox"],
      security: "session",
      before: [authenticated()],
      body: EmptyTrashSchema,
      responses: {
        200: {
          description: "How many were deleted, and how many were destroyed entirely",
          schema: EmptyTrashResultSchema,
        },
        ...errors,
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      ctx.body = await transaction((t) =>
        emptyTrash(t, user.id, body.messageIds, { ip: ctx.ip, userAgent: ctx.get("User-Agent") }),
      );
    },
  );
}
