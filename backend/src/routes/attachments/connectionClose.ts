import type { Ctx } from "../../api/route.js";
import { AppError } from "../../errors.js";
import { AttachmentTooLargeError } from "../../services/attachments/limits.js";

/** 413 with the connection closed, so the rest of an oversized body is not read. */
export function tooLargeError(limit: number): AppError {
  const err = AttachmentTooLargeError(limit);
  return err.withHeaders({ Connection: "close" });
}

/**
 * Runs an upload; an expected error raised before the body was read to the end closes the
 * connection after the answer (the client may still be sending).
 */
export async function withConnectionClose<T>(ctx: Ctx, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && (err.id === "attachment_too_large" || !ctx.req.complete)) {
      return Promise.reject(err.withHeaders({ Connection: "close" }));
    }
    throw err;
  }
}
