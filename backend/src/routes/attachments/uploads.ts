import type Router from "@koa/router";
import { defineRoute, ErrorSchema } from "../../api/route.js";
import { authenticated, authState, currentUser } from "../../middlewares/authenticate.js";
import { KeysLockedError } from "../../services/messages/readMessage.js";
import { openDraftContentKey } from "../../services/attachments/drafts.js";
import {
  abortUpload,
  commitUpload,
  isPreEncryptedUpload,
  presentUpload,
  putChunk,
  uploadState,
} from "../../services/attachments/chunkedUpload.js";
import { startAttachmentUpload } from "../../commands/startAttachmentUpload.js";
import { startCiphertextUpload } from "../../commands/startCiphertextUpload.js";
import { appError } from "../../errors.js";
import { InvalidAttachmentStreamError } from "../../services/attachments/upload.js";
import { safeMimeType } from "../../services/attachments/httpHeaders.js";
import { attachmentLimitFor } from "../../services/attachments/limits.js";
import { declaredLength, requestBody } from "../../services/attachments/requestStream.js";
import {
  ChunkParams,
  DraftParams,
  StartCiphertextUploadBody,
  StartUploadBody,
  UploadParams,
  UploadResponse,
} from "./schema.js";
import { storageRegion } from "../../services/attachments/storageRegion.js";
import { tooLargeError, withConnectionClose } from "./connectionClose.js";
import { limits, perUser } from "../../api/limits.js";

const e401 = { description: "`authentication_required`", schema: ErrorSchema };
const notFound = { description: "`not_found`: no such draft or upload of the caller's (S4)", schema: ErrorSchema };

/**
 * Resumable uploads for big files: start with name/type/size, PUT 8 MiB chunks in any order
 * (again after a failure, with the same bytes; GET shows which arrived), then commit. Each
 * chunk is encrypted on arrival as exactly the records it holds in the final stream.
 * Pre-encrypted form (the add-in): start with the client's attachment id, size and stream
 * header; each chunk is then the client's 128 records (8 MiB + 2 KiB) of the v1 stream, stored
 * as it arrives, and no key is needed on the server.
 */
export function uploadRoutes(router: Router): void {
  const before = () => [authenticated(), perUser("attachment-upload-user", limits.uploadUser)];

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
      const limit = await attachmentLimitFor(auth.user);
      const result = await startAttachmentUpload({
        auth,
        messageId: params.id,
        file: { name: body.name, type: safeMimeType(body.type), size: body.size },
        limit,
      });
      if (result.kind === "keys_locked") throw KeysLockedError();
      if (result.kind === "too_large") throw tooLargeError(result.limit);
      ctx.status = 201;
      ctx.body = presentUpload(result.upload);
    },
  );

  defineRoute(
    router,
    {
      method: "post",
      path: "/api/messages/:id/attachments/uploads/encrypted",
      summary: "Start a resumable upload of a pre-encrypted attachment stream (add-in) into a draft",
      tags: ["attachments"],
      security: "token",
      params: DraftParams,
      body: StartCiphertextUploadBody,
      before: before(),
      responses: {
        201: {
          description:
            "The upload: send `chunks` chunks of `chunkSize` ciphertext bytes (the records of 8 MiB of plaintext; the last one the rest), the header excluded",
          schema: UploadResponse,
        },
        400: { description: "`invalid_attachment_stream` (the header), `validation_error`", schema: ErrorSchema },
        401: e401,
        404: notFound,
        409: { description: "`not_a_draft`, `attachment_exists`", schema: ErrorSchema },
        413: { description: "`attachment_too_large`", schema: ErrorSchema },
      },
    },
    async (ctx, { params, body }) => {
      const user = currentUser(ctx);
      const result = await startCiphertextUpload({
        user,
        messageId: params.id,
        attachmentId: body.attachmentId,
        size: body.size,
        header: Buffer.from(body.header, "base64url"),
        limit: await attachmentLimitFor(user),
      });
      if (result.kind === "too_large") throw tooLargeError(result.limit);
      if (result.kind === "exists") throw appError("attachment_exists", "An attachment with this id exists");
      if (result.kind === "invalid_header")
        throw InvalidAttachmentStreamError(`The stream header is malformed (${result.reason})`);
      ctx.status = 201;
      ctx.body = presentUpload(result.upload);
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
      ctx.body = await uploadState(currentUser(ctx), params.id, params.uid);
    },
  );

  defineRoute(
    router,
    {
      method: "put",
      path: "/api/messages/:id/attachments/uploads/:uid/chunks/:n",
      summary: "Send one chunk of a resumable upload (again, with the same bytes, after a lost answer)",
      tags: ["attachments"],
      security: "session",
      params: ChunkParams,
      rawBody: {
        contentTypes: ["application/octet-stream"],
        description:
          "Exactly chunkSize plaintext bytes (the last chunk: the rest); for a pre-encrypted upload the chunk's records of the client's stream",
      },
      before: before(),
      responses: {
        200: {
          description: "Stored encrypted (or received before with the same bytes); the upload's state",
          schema: UploadResponse,
        },
        400: { description: "`chunk_size_mismatch`", schema: ErrorSchema },
        401: e401,
        403: { description: "`keys_locked`", schema: ErrorSchema },
        404: notFound,
        409: {
          description:
            "`chunk_mismatch`: this chunk was received before with other bytes (no GCM nonce reuse); `not_a_draft`",
          schema: ErrorSchema,
        },
        415: { description: "`unsupported_media_type`", schema: ErrorSchema },
      },
    },
    async (ctx, { params }) => {
      const auth = authState(ctx);
      let cek: Buffer | null = null;
      if (!(await isPreEncryptedUpload(auth.user, params.id, params.uid))) {
        const key = await openDraftContentKey(auth, params.id);
        if (key.kind === "keys_locked") throw KeysLockedError();
        cek = key.cek;
      }
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
