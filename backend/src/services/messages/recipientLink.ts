import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { appError } from "../../errors.js";
import { Message } from "../../models/Message.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { normaliseEmail, User } from "../../models/User.js";
import { hashLinkToken, linkTokenPattern } from "./linkTokens.js";
import { isLinkRetired } from "./recipientCodeLimits.js";

export const InvalidLinkError = () =>
  appError("invalid_link", "This link is not valid. Open the newest e-mail about the message.");
export const LinkExpiredError = () => appError("link_expired", "This link has expired, and so has the message");
export const LinkRetiredError = () =>
  appError(
    "link_retired",
    "Too many wrong codes were entered with this link; ask the sender to send the message again",
  );

export const EmailMismatchError = () =>
  appError("email_mismatch", "That is not the e-mail address this message was sent to");

export interface RecipientLink {
  recipient: MessageRecipient;
  message: Message;
  user: User;
}

/**
 * The recipient row a link token belongs to (only its hash is stored), with its message and
 * user. Unknown tokens, deactivated users and removed messages → 404 `invalid_link`; expired
 * tokens or messages → 410 `link_expired`; the link of a first-time recipient through which too
 * many wrong SMS codes were entered → 410 `link_retired` (S3).
 */
export async function findRecipientLink(token: string, t?: Transaction, now = new Date()): Promise<RecipientLink> {
  if (!linkTokenPattern.test(token)) throw InvalidLinkError();
  const recipient = await MessageRecipient.findOne({ where: { tokenHash: hashLinkToken(token) }, transaction: t });
  if (!recipient) throw InvalidLinkError();
  const [message, user] = await Promise.all([
    Message.findByPk(recipient.messageId, { transaction: t }),
    User.findByPk(recipient.userId, { transaction: t }),
  ]);
  if (!message || !user || user.status === "deactivated") throw InvalidLinkError();
  const expired =
    (recipient.tokenExpiresAt && recipient.tokenExpiresAt.getTime() <= now.getTime()) ||
    (message.expiresAt && message.expiresAt.getTime() <= now.getTime()) ||
    message.state !== "active";
  if (expired) throw LinkExpiredError();
  if (user.status === "pending" && isLinkRetired(recipient)) throw LinkRetiredError();
  return { recipient, message, user };
}

/**
 * How a visitor reaches a recipient row: the personal link's token (/r/{token}), or the shared
 * link of a message whose Outlook item was the notification (/m/{token}) together with the
 * address the visitor says the message was sent to.
 */
export type LinkRef = string | { shared: string; email: string };

/** The rate-limit key of a link: a prefix of its token's hash (the token itself is never a key). */
export function linkKey(ref: LinkRef): string {
  return hashLinkToken(typeof ref === "string" ? ref : ref.shared).slice(0, 32);
}

/**
 * The recipient row behind the shared link (issue 12): the message whose shared token this is
 * (only the hash is stored), and among its recipients the one with `email`. Unknown token →
 * 404 `invalid_link`; an address that is not one of the message's recipients → 400
 * `email_mismatch` (nobody else gets in); then the same checks as a personal link.
 */
export async function findSharedRecipientLink(
  token: string,
  email: string,
  t?: Transaction,
  now = new Date(),
): Promise<RecipientLink> {
  if (!linkTokenPattern.test(token)) throw InvalidLinkError();
  const message = await Message.findOne({ where: { sharedTokenHash: hashLinkToken(token) }, transaction: t });
  if (!message) throw InvalidLinkError();
  const user = await User.findOne({ where: { email: normaliseEmail(email) }, transaction: t });
  const recipient = user
    ? await MessageRecipient.findOne({ where: { messageId: message.id, userId: user.id }, transaction: t })
    : null;
  if (!user || !recipient || user.status === "deactivated") throw EmailMismatchError();
  const expired =
    (recipient.tokenExpiresAt && recipient.tokenExpiresAt.getTime() <= now.getTime()) ||
    (message.expiresAt && message.expiresAt.getTime() <= now.getTime()) ||
    message.state !== "active";
  if (expired) throw LinkExpiredError();
  if (user.status === "pending" && isLinkRetired(recipient)) throw LinkRetiredError();
  return { recipient, message, user };
}

/** The recipient row behind a personal or a shared link. */
export function resolveRecipientLink(ref: LinkRef, t?: Transaction, now = new Date()): Promise<RecipientLink> {
  return typeof ref === "string"
    ? findRecipientLink(ref, t, now)
    : findSharedRecipientLink(ref.shared, ref.email, t, now);
}

/** The purpose of the ID-check code for one recipient row: bound to its link and its number. */
export function recipientCodePurpose(recipient: MessageRecipient): `phone_verify:${string}` {
  return `phone_verify:recipient-${recipient.id}`;
}

/** The cookie that binds the steps after the SMS code to the browser that entered it. */
export const VERIFY_COOKIE = "kuvert_recipient";
/** How long after the code the password may be chosen. */
export const VERIFY_WINDOW_MS = 30 * 60 * 1000;

export function hashVerifySecret(secret: string): string {
  return crypto.createHash("sha256").update(secret, "utf8").digest("hex");
}
