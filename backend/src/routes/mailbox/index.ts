import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { authenticated, authState } from "../../middlewares/authenticate.js";
import { listMailbox, resolveFolder, unreadCounts } from "../../services/messages/mailbox.js";
import { requestPrivateKey } from "../../services/messages/readMessage.js";
import { presentMailboxItem } from "../../presenters/mailbox.js";
import { MailboxParams, MailboxQuery, MailboxResponse } from "../messages/schema.js";

export function mailboxRoutes(router: Router): void {
  defineRoute(
    router,
    {
      method: "get",
      path: "/api/mailbox/:folder",
      summary: "List a mailbox folder (inbox, sent, drafts, saved, trash, or an own folder's id), newest first",
      tags: ["mailbox"],
      security: "session",
      params: MailboxParams,
      query: MailboxQuery,
      before: [authenticated()],
      responses: {
        200: {
          description:
            "One page of the folder, with unread counts of every folder; subjects are decrypted in the session",
          schema: MailboxResponse,
        },
        401: { description: "`authentication_required`", schema: ErrorSchema },
        404: { description: "`not_found`: no such folder of the caller's", schema: ErrorSchema },
      },
    },
    async (ctx, { params, query }) => {
      const auth = authState(ctx);
      const ref = await resolveFolder(auth.user, params.folder);
      const page = await listMailbox(auth.user, ref, query, await requestPrivateKey(auth), auth.sessionId);
      ctx.body = {
        folder: ref.kind === "custom" ? ref.folder.id : ref.kind,
        total: page.total,
        unread: await unreadCounts(auth.user),
        items: page.items.map(presentMailboxItem),
      };
    },
  );
}
