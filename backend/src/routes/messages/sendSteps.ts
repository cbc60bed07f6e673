import type { z } from "zod";
import { consumeForOrganisation, limits } from "../../api/limits.js";
import { appError } from "../../errors.js";
import type { User } from "../../models/User.js";
import type { RequestMeta } from "../../services/lockout.js";
import { KeysLockedError } from "../../services/messages/readMessage.js";
import { senderNotification } from "../../services/messages/senderNotification.js";
import { presentPerson } from "../../presenters/message.js";
import type { SubmitMessageResult } from "../../commands/submitMessage.js";
import type { SendMessageInput, SentResponse } from "./schema.js";

/**
 * Sending as the personal and the shared-mailbox routes take and present it: the same body, the
 * same per-organisation limit, the same failures and the same 201.
 */
export const limitOrganisationSend = (organisationId: string | null) =>
  consumeForOrganisation("send-org", organisationId, limits.sendOrganisation);

/** A plain string body is text only; the object form carries text and HTML. */
export function bodyParts(body: SendMessageInput["body"]): { text: string | null; html: string | null } {
  if (typeof body === "string") return { text: body, html: null };
  return { text: body.text ?? null, html: body.html ?? null };
}

/** What both send commands take from the request body. */
export function sendInput(body: SendMessageInput, meta: RequestMeta) {
  const { expiresAt, ...options } = body.options;
  return {
    to: body.to,
    subject: body.subject,
    ...bodyParts(body.body),
    options: { ...options, expiresAt: expiresAt ? new Date(expiresAt) : null },
    replyTo: body.replyTo ?? null,
    encrypted: body.encrypted ?? null,
    draftId: body.draftId ?? null,
    signatureVersion: body.signatureVersion ?? null,
    paneSendsNotification: body.paneSendsNotification ?? false,
    meta,
  };
}

/**
 * The 201 body, or the send's expected failure as its error: 403 `keys_locked`, 422
 * `signature_required` (with the current `version`) or `subject_not_allowed`. `notifiedSender`
 * names the sender of the pane's notification; it is asked only when there is one.
 */
export async function presentSent(
  result: SubmitMessageResult,
  locale: SendMessageInput["notificationLocale"],
  notifiedSender: () => Promise<User>,
): Promise<z.infer<typeof SentResponse>> {
  if (result.kind === "keys_locked") throw KeysLockedError();
  // Plaintext bodies get the signature appended; a pre-encrypted one must declare its version.
  if (result.kind === "signature_required")
    throw appError("signature_required", undefined, { details: { version: result.version } });
  if (result.kind === "subject_not_allowed") throw appError("subject_not_allowed", result.message);
  return {
    id: result.message.id,
    threadId: result.message.threadId,
    recipients: result.recipients.map(({ recipient, resolved }) => ({
      ...presentPerson(resolved.user),
      status: recipient.status,
    })),
    ...(result.sharedToken
      ? {
          notification: await senderNotification(await notifiedSender(), result.message, locale ?? "sv", {
            sharedToken: result.sharedToken,
          }),
        }
      : {}),
  };
}
