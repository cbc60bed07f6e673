import type Router from "@koa/router";
import { limits, perUser } from "../../api/limits.js";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { NotFoundError, UnsupportedMediaTypeError, ValidationError, appError } from "../../errors.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import { createDraftMessage } from "../../commands/createDraftMessage.js";
import { removeDraftAttachment } from "../../commands/removeDraftAttachment.js";
import { deleteDraft } from "../../commands/deleteDraft.js";
import { KeysLockedError } from "../../services/messages/readMessage.js";
import { loadOwnDraft, openDraftContentKey } from "../../services/attachments/drafts.js";
import { openAttachmentDownload, openCiphertextDownload } from "../../services/attachments/download.js";
import { contentDisposition, safeMimeType, uploadFileName } from "../../services/attachments/httpHeaders.js";
import { attachmentLimitFor } from "../../services/attachments/limits.js";
import { declaredLength, requestBody } from "../../services/attachments/requestStream.js";
import {
  attachmentExists,
  storeCiphertextAttachment,
  storePlaintextAttachment,
} from "../../services/attachments/upload.js";
import { storageRegion } from "../../services/attachments/storageRegion.js";
import { tooLargeError, withConnectionClose } from "./connectionClose.js";
import { uploadRoutes } from "./uploads.js";
import {
  AttachmentParams,
  AttachmentResponse,
  CiphertextAttachmentResponse,
  CreateDraftBody,
  DraftParams,
  DraftResponse,
} from "./schema.js";

const notFound = {
  description: "`not_found`: no such message or attachment, or the caller is not a reader (S4)",
  schema: ErrorSchema,
};
const e401 = { description: "`authentication_required`", schema: ErrorSchema };
const tooLarge = {
  description:
    "`attachment_too_large`: over the plan's per-attachment limit (checked from Content-Length and while streaming)",
  schema: ErrorSchema,
};
const uploadLimit = () => perUser("attachment-upload-user", limits.uploadUser);

/**
 * Attachments (F6): a draft is created, files are streamed up into it (plaintext: the server
 * encrypts on the fly; pre-encrypted: the add-in's ciphertext, checked for structure and size),
 * then the draft is sent. Readers download decrypted bytes or the raw ciphertext.
 */
export function attachmentRoutes(router: Router): void {
  uploadRoutes(router);

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/drafts",
      summary: "Create a draft to stream attachments into before sending it",
      tags: ["attachments"],
      security: "session",
      body: CreateDraftBody,
      bodyLimit: 512 * 1024,
      before: [authenticated(), perUser("draft-user", limits.draftUser)],
      responses: {
        201: { description: "The draft (only its sender sees it)", schema: DraftResponse },
        401: e401,
        403: {
          description: "`plan_reply_only` (Basic accounts: replies only), `plan_quota_exceeded`",
          schema: ErrorSchema,
        },
        404: { description: "`not_found`: replyTo is not a message the caller can read", schema: ErrorSchema },
      },
    },
    async (ctx, { body }) => {
      const user = currentUser(ctx);
      const draft = await transaction((t) =>
        createDraftMessage(t, { sender: user, replyTo: body.replyTo ?? null, encrypted: body.encrypted ?? null }),
      );
      ctx.status = 201;
      ctx.body = { id: draft.id, threadId: draft.threadId, state: draft.state };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/messages/drafts/:id",
      summary: "Delete an unsent draft for good, with its attachments (the add-in's cancelled send)",
      tags: ["attachments"],
      security: "session",
      params: DraftParams,
      before: [authenticated(), perUser("draft-user", limits.draftUser)],
      responses: {
        204: { description: "Deleted: gone from Drafts, content and attachment blobs shredded" },
        401: e401,
        404: { description: "`not_found`: no such draft of the caller's (S4)", schema: ErrorSchema },
        409: { description: "`not_a_draft`: the message has been sent", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      await deleteDraft(user, params.id);
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/attachments",
      summary: "Stream a file into a draft (plaintext form: the server encrypts it on arrival)",
      tags: ["attachments"],
      security: "session",
      params: DraftParams,
      rawBody: {
        contentTypes: ["*/*"],
        description:
          "The file's raw bytes; Content-Type is the file's type (not multipart or form data); header X-File-Name is the file name, percent-encoded UTF-8. Content-Length or chunked.",
      },
      before: [authenticated(), uploadLimit()],
      responses: {
        201: {
          description: "Stored encrypted; name, type and size are kept only encrypted",
          schema: AttachmentResponse,
        },
        400: { description: "`validation_error` (missing or bad X-File-Name)", schema: ErrorSchema },
        401: e401,
        403: { description: "`keys_locked`: the session has no unlocked key", schema: ErrorSchema },
        404: notFound,
        409: { description: "`not_a_draft`: the message has been sent", schema: ErrorSchema },
        413: tooLarge,
        415: { description: "`unsupported_media_type`: multipart/form bodies", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      if (ctx.is("multipart/*", "application/x-www-form-urlencoded"))
        throw UnsupportedMediaTypeError("the file's own type (raw bytes, not a form)");
      const name = uploadFileName(ctx.get("X-File-Name"));
      if (!name) throw ValidationError("X-File-Name: required, percent-encoded UTF-8, at most 255 characters");
      const auth = authState(ctx);
      const limit = await attachmentLimitFor(auth.user);
      const length = declaredLength(ctx.req);
      const key = await openDraftContentKey(auth, params.id);
      if (key.kind === "keys_locked") throw KeysLockedError();
      const { cek } = key;
      if (length !== null && length > limit) {
        cek.fill(0);
        throw tooLargeError(limit);
      }
      const region = await storageRegion(auth.user);
      const { meta } = await withConnectionClose(ctx, () =>
        storePlaintextAttachment({
          user: auth.user,
          messageId: params.id,
          cek,
          region,
          source: requestBody(ctx.req),
          name,
          type: safeMimeType(ctx.get("Content-Type")),
          limit,
        }),
      );
      ctx.status = 201;
      ctx.body = { id: meta.id, name: meta.name, type: meta.type, size: meta.size };
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/messages/:id/attachments/:aid/ciphertext",
      summary: "Upload a pre-encrypted attachment stream (add-in) into a draft",
      tags: ["attachments"],
      security: "token",
      params: AttachmentParams,
      rawBody: {
        contentTypes: ["application/octet-stream"],
        description:
          "The v1 attachment stream (docs/format.md) encrypted under the draft's content key and this attachment id; header X-Plaintext-Size gives the plaintext bytes",
      },
      before: [authenticated(), uploadLimit()],
      responses: {
        201: {
          description: "Stored after the header and record structure matched the declared size",
          schema: CiphertextAttachmentResponse,
        },
        400: {
          description: "`invalid_attachment_stream` or `validation_error` (X-Plaintext-Size)",
          schema: ErrorSchema,
        },
        401: e401,
        404: notFound,
        409: { description: "`not_a_draft`, `attachment_exists`", schema: ErrorSchema },
        413: tooLarge,
        415: { description: "`unsupported_media_type`: not application/octet-stream", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      const sizeHeader = ctx.get("X-Plaintext-Size");
      if (!/^\d{1,16}$/.test(sizeHeader))
        throw ValidationError("X-Plaintext-Size: required, the plaintext size in bytes");
      const declaredPlaintextSize = Number(sizeHeader);
      const limit = await attachmentLimitFor(user);
      await transaction((t) => loadOwnDraft(t, user, params.id));
      if (await attachmentExists(params.aid)) throw appError("attachment_exists", "An attachment with this id exists");
      if (declaredPlaintextSize > limit) throw tooLargeError(limit);
      const region = await storageRegion(user);
      const row = await withConnectionClose(ctx, () =>
        storeCiphertextAttachment({
          user,
          messageId: params.id,
          attachmentId: params.aid,
          region,
          source: requestBody(ctx.req),
          declaredPlaintextSize,
          contentLength: declaredLength(ctx.req),
          limit,
        }),
      );
      ctx.status = 201;
      ctx.body = { id: row.id, ciphertextSize: row.ciphertextSize, records: row.recordCount };
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/messages/:id/attachments/:aid",
      summary: "Remove an attachment from a draft (its blob is overwritten and deleted)",
      tags: ["attachments"],
      security: "session",
      params: AttachmentParams,
      before: [authenticated()],
      responses: {
        204: { description: "Removed" },
        401: e401,
        404: notFound,
        409: { description: "`not_a_draft`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const result = await removeDraftAttachment(currentUser(ctx), params.id, params.aid);
      if (result.kind === "not_found") throw NotFoundError("Attachment not found");
      ctx.status = 204;
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id/attachments/:aid",
      summary: "Download an attachment, decrypted as it streams",
      tags: ["attachments"],
      security: "session",
      params: AttachmentParams,
      before: [authenticated()],
      responses: {
        200: {
          description:
            "The file: Content-Type from the encrypted metadata, Content-Disposition attachment with RFC 5987 filename*, Content-Length = plaintext size",
          contentType: "application/octet-stream",
        },
        401: e401,
        403: {
          description:
            "`eyes_only` (for-your-eyes-only message), `id_check_required`, `reveal_required` (burn after reading, before reveal) or `keys_locked`",
          schema: ErrorSchema,
        },
        404: notFound,
        410: { description: "`message_expired`, `message_burned`, `message_shredded`", schema: ErrorSchema },
        500: {
          description:
            "`attachment_damaged`: the stored ciphertext is missing or has the wrong length; a record failing authentication aborts the response",
          schema: ErrorSchema,
        },
      },
    },
    async (ctx, { params }) => {
      const { meta, stream } = await openAttachmentDownload(authState(ctx), params.id, params.aid);
      ctx.status = 200;
      ctx.set("Content-Type", safeMimeType(meta.type));
      ctx.set("Content-Disposition", contentDisposition(meta.name));
      ctx.set("X-Content-Type-Options", "nosniff");
      ctx.set("Content-Security-Policy", "sandbox; default-src 'none'");
      ctx.body = stream;
      ctx.length = meta.size;
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id/attachments/:aid/ciphertext",
      summary: "Download an attachment's ciphertext stream (for clients that decrypt themselves)",
      tags: ["attachments"],
      security: "token",
      params: AttachmentParams,
      before: [authenticated()],
      responses: {
        200: { description: "The v1 attachment stream (docs/format.md)", contentType: "application/octet-stream" },
        401: e401,
        403: { description: "`eyes_only`, `id_check_required`, `reveal_required`", schema: ErrorSchema },
        404: notFound,
        410: { description: "`message_expired`, `message_burned`, `message_shredded`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const { size, stream } = await openCiphertextDownload(authState(ctx), params.id, params.aid);
      ctx.status = 200;
      ctx.set("Content-Type", "application/octet-stream");
      ctx.set("Content-Disposition", "attachment");
      ctx.body = stream;
      ctx.length = size;
    },
  );
}
