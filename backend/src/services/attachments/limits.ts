import { Transform, type TransformCallback } from "node:stream";
import { appError } from "../../errors.js";
import { env } from "../../env.js";
import { PROFESSIONAL_ATTACHMENT_BYTES } from "../messages/plans.js";

/**
 * Largest attachment (plaintext bytes) a sender may upload (F6, F27: 500 MB on Professional).
 * `ATTACHMENT_MAX_BYTES` overrides it (tests, operators); it is read per request so a test can
 * lower it with `setEnv`. Basic accounts are reply-only, which the draft check enforces; replies carry the
 * same per-file limit.
 */
export function attachmentLimitBytes(): number {
  return env().ATTACHMENT_MAX_BYTES ?? PROFESSIONAL_ATTACHMENT_BYTES;
}

export const AttachmentTooLargeError = (limit: number) =>
  appError(
    "attachment_too_large",
    `An attachment may be at most ${Math.floor(limit / (1024 * 1024))} MB on your plan`,
    { details: { limitBytes: limit } },
  );

/** Passes bytes through and errors with 413 attachment_too_large once more than `limit` arrived. */
export function byteLimit(
  limit: number,
  error: () => Error = () => AttachmentTooLargeError(limit),
): Transform & { bytes: () => number } {
  let seen = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) return cb(error());
      cb(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => seen });
}
