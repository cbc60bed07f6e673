import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { transaction } from "../../db.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import { rateLimit } from "../../middlewares/rateLimit.js";
import { openContentKey } from "../../services/messages/contentCrypto.js";
import { KeysLockedError, requestPrivateKey } from "../../services/messages/readMessage.js";
import { loadOwnDraft } from "../../services/attachments/drafts.js";
import {
  abortUpload,
  commitUpload,
  presentUpload,
  putChunk,
  startUpload,
} from "../../services/attachments/chunkedUpload.js";
import { AttachmentUpload } from "../../models/AttachmentUpload.js";
import { NotFoundError } from "../../errors.js";
import { safeMimeType } from "../../services/attachments/httpHeaders.js";
import { attachmentLimitBytes } from "../../services/attachments/limits.js";
import { declaredLength, requestBody } from "../../services/attachments/requestStream.js";
import { ChunkParams, DraftParams, StartUploadBody, UploadParams, UploadResponse } from "./schema.js";
import { storageRegion, tooLargeError, withConnectionClose } from "./shared.js";

const e401 = { description: "`authentication_required`", schema: ErrorSchema };
const notFound = { description: "`not_found`: no such draft or upload of the caller's (S4)", schema: ErrorSchema };

/**
 * Resumable uploads (plaintext form) for big files: start with name/type/size, PUT 8 MiB chunks
 * in any order (again after a failure; GET shows which arrived), then commit. Each chunk is
 * encrypted on arrival as exactly the records it holds in the final stream.
 */
export function uploadRoutes(router: Router): void {
  const before = () => [rateLimit({ name: "attachment-upload", points: 600, durationSeconds: 60 }), authenticated()];

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/attachments/uploads",
      summary: "Start a resumable attachment upload into a draft",
      tags: ["attachments"],
      security: "session",
      params: DraftParams,
      body: StartUploadBody,
      before: before(),
      responses: {
        201: {
          description: "The upload: send `chunks` chunks of `chunkSize` bytes (the last one the rest)",
          schema: UploadResponse,
        },
        401: e401,
        403: { description: "`keys_locked`", schema: ErrorSchema },
        404: notFound,
        409: { description: "`not_a_draft`", schema: ErrorSchema },
        413: { description: "`attachment_too_large`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const auth = authState(ctx);
      const limit = attachmentLimitBytes();
      const privateKey = await requestPrivateKey(auth);
      const upload = await transaction(async (t) => {
        const { envelope } = await loadOwnDraft(t, auth.user, params.id);
        if (!privateKey) throw KeysLockedError();
        if (body.size > limit) throw tooLargeError(limit);
        const cek = await openContentKey(envelope.jwe, privateKey);
        try {
          return await startUpload(t, params.id, cek, {
            name: body.name,
            type: safeMimeType(body.type),
            size: body.size,
          });
        } finally {
          cek.fill(0);
        }
      });
      ctx.status = 201;
      ctx.body = presentUpload(upload);
    },
  );

  defineRoute(
    router,
    {
      method: "get",
      path: "/api/messages/:id/attachments/uploads/:uid",
      summary: "Which chunks of a resumable upload have arrived",
      tags: ["attachments"],
      security: "session",
      params: UploadParams,
      before: [authenticated()],
      responses: {
        200: { description: "The upload's state", schema: UploadResponse },
        401: e401,
        404: notFound,
        409: { description: "`not_a_draft`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      ctx.body = await transaction(async (t) => {
        await loadOwnDraft(t, user, params.id);
        const upload = await AttachmentUpload.findOne({
          where: { id: params.uid, messageId: params.id },
          transaction: t,
        });
        if (!upload) throw NotFoundError("Upload not found");
        return presentUpload(upload);
      });
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/messages/:id/attachments/uploads/:uid/chunks/:n",
      summary: "Send one chunk of a resumable upload (again to replace it)",
      tags: ["attachments"],
      security: "session",
      params: ChunkParams,
      rawBody: {
        contentTypes: ["application/octet-stream"],
        description: "Exactly chunkSize plaintext bytes (the last chunk: the rest)",
      },
      before: before(),
      responses: {
        200: { description: "Stored encrypted; the upload's state", schema: UploadResponse },
        400: { description: "`chunk_size_mismatch`", schema: ErrorSchema },
        401: e401,
        403: { description: "`keys_locked`", schema: ErrorSchema },
        404: notFound,
        409: { description: "`not_a_draft`", schema: ErrorSchema },
        415: { description: "`unsupported_media_type`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      const privateKey = await requestPrivateKey(auth);
      const cek = await transaction(async (t) => {
        const { envelope } = await loadOwnDraft(t, auth.user, params.id);
        if (!privateKey) throw KeysLockedError();
        return openContentKey(envelope.jwe, privateKey);
      });
      const region = await storageRegion(auth.user);
      ctx.body = await withConnectionClose(ctx, () =>
        putChunk({
          user: auth.user,
          messageId: params.id,
          uploadId: params.uid,
          index: params.n,
          cek,
          region,
          source: requestBody(ctx.req),
          contentLength: declaredLength(ctx.req),
        }),
      );
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/attachments/uploads/:uid/commit",
      summary: "Finish a resumable upload: the chunks become the attachment",
      tags: ["attachments"],
      security: "session",
      params: UploadParams,
      before: [authenticated()],
      responses: {
        201: { description: "The attachment", schema: UploadResponse.pick({ id: true, size: true }) },
        401: e401,
        404: notFound,
        409: {
          description: "`upload_incomplete` (details.missing lists the chunks), `not_a_draft`",
          schema: ErrorSchema,
        },
      },
    },
    async (ctx, { params }) => {
      const user = currentUser(ctx);
      ctx.status = 201;
      ctx.body = await commitUpload(user, params.id, params.uid, await storageRegion(user));
    },
  );

  defineRoute(
    router,
    {
      method: "delete",
      path: "/api/messages/:id/attachments/uploads/:uid",
      summary: "Abandon a resumable upload (its chunks are overwritten and deleted)",
      tags: ["attachments"],
      security: "session",
      params: UploadParams,
      before: [authenticated()],
      responses: {
        204: { description: "Abandoned" },
        401: e401,
        404: notFound,
        409: { description: "`not_a_draft`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      await abortUpload(currentUser(ctx), params.id, params.uid);
      ctx.status = 204;
    },
  );
}
