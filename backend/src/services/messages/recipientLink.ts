import crypto from "node:crypto";
import type { Transaction } from "sequelize";
import { appError } from "../../errors.js";
import { Message } from "../../models/Message.js";
import { MessageRecipient } from "../../models/MessageRecipient.js";
import { User } from "../../models/User.js";
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
