import { Transform, type TransformCallback } from "node:stream";
import { appError } from "../../errors.js";
import { env } from "../../env.js";
import type { OrgPolicy } from "../../models/Organisation.js";
import type { User } from "../../models/User.js";
import { PROFESSIONAL_ATTACHMENT_BYTES } from "../messages/plans.js";
import { policiesFor } from "../orgPolicies.js";

const MB = 1024 * 1024;

/**
 * Largest attachment (plaintext bytes) a sender may upload (F6, F27: 500 MB on Professional).
 * `ATTACHMENT_MAX_BYTES` overrides it (tests, operators); it is read per request so a test can
 * lower it with `setEnv`. Basic accounts are reply-only, which the draft check enforces; replies carry the
 * same per-file limit.
 */
export function planAttachmentLimitBytes(): number {
  return env().ATTACHMENT_MAX_BYTES ?? PROFESSIONAL_ATTACHMENT_BYTES;
}

/** The largest attachment under an organisation's policy: its own limit, never above the plan's. */
export function attachmentLimitBytes(policy: OrgPolicy | null): number {
  const plan = planAttachmentLimitBytes();
  const own = policy?.attachmentMaxMb;
  return typeof own === "number" ? Math.min(plan, own * MB) : plan;
}

/** The largest attachment `user` may upload (their organisation's policy; the plan's without one). */
export async function attachmentLimitFor(user: User): Promise<number> {
  return attachmentLimitBytes(await policiesFor(user.organisationId));
}

export const AttachmentTooLargeError = (limit: number) =>
  appError("attachment_too_large", `An attachment may be at most ${Math.floor(limit / MB)} MB for your organisation`, {
    details: { limitBytes: limit },
  });

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
