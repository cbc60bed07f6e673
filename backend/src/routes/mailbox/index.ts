import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { authenticated, authState } from "../../middlewares/authenticate.js";
import { listMailbox, resolveFolder, unreadCounts } from "../../services/messages/mailbox.js";
import { KeysLockedError, requestPrivateKey } from "../../services/messages/readMessage.js";
import { consumeRateLimit } from "../../middlewares/rateLimit.js";
import { presentMailboxItem } from "../../presenters/mailbox.js";
import { MailboxParams, MailboxQuery, MailboxResponse } from "../messages/schema.js";
import { limits } from "../../api/limits.js";

/** Searches per user and window (issue 13); mutable so a test can tighten it. */

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
        403: {
          description: "`keys_locked`: a search (`q`) needs the private key unlocked (key-less tokens cannot search)",
          schema: ErrorSchema,
        },
        404: { description: "`not_found`: no such folder of the caller's", schema: ErrorSchema },
        429: { description: "`rate_limited`: too many searches by this user", schema: ErrorSchema },
      },
    },
    async (ctx, { params, query }) => {
      const auth = authState(ctx);
      // The blind index answers for content: only a caller who could read it may ask (issue 13).
      if (query.q) await consumeRateLimit("mailbox-search-user", auth.user.id, limits.searchUser);
      const privateKey = await requestPrivateKey(auth);
      if (query.q && !privateKey) throw KeysLockedError();
      const ref = await resolveFolder(auth.user, params.folder);
      const page = await listMailbox(auth.user, ref, query, privateKey, auth.sessionId);
      ctx.body = {
        folder: ref.kind === "custom" ? ref.folder.id : ref.kind,
        total: page.total,
        unread: await unreadCounts(auth.user),
        items: page.items.map(presentMailboxItem),
      };
    },
  );
}
