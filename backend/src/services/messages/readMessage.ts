import type jose from "node-jose";
import { appError } from "../../errors.js";
import type { Message } from "../../models/Message.js";
import type { AuthState } from "../sessions.js";
import { sessionPrivateKey, tokenPrivateKey } from "../keys/userKeys.js";
import { MessageDecryptError, openMessage } from "./contentCrypto.js";
import type { MessageContent } from "./content.js";

export const KeysLockedError = () =>
  appError(
    "keys_locked",
    "Your key is not unlocked in this session; sign in again with your password to read messages",
  );
export const MessageGoneError = (state: "expired" | "burned" | "shredded") =>
  appError(state === "expired" ? "message_expired" : state === "burned" ? "message_burned" : "message_shredded");

/**
 * The private key unlocked for the request's session or sealed in its API token, or null
 * (key-less tokens such as Microsoft sign-in, locked sessions).
 */
export async function requestPrivateKey(auth: AuthState): Promise<jose.JWK.Key | null> {
  if (auth.actingKey !== undefined) return auth.actingKey;
  if (auth.via === "token") return auth.tokenId && auth.tokenKey ? tokenPrivateKey(auth.tokenId, auth.tokenKey) : null;
  if (!auth.sessionId || !auth.sessionKey) return null;
  return sessionPrivateKey(auth.sessionId, auth.sessionKey);
}

/** Expired (by date, even before the sweeper ran), burned or shredded messages cannot be read. */
export function assertReadable(message: Message, now = new Date()): void {
  if (message.state === "active" || message.state === "draft") {
    if (message.expiresAt && message.expiresAt.getTime() <= now.getTime()) throw MessageGoneError("expired");
    return;
  }
  throw MessageGoneError(message.state === "expired" ? "expired" : message.state === "burned" ? "burned" : "shredded");
}

/**
 * Decrypts a message for one reader with their unlocked private key. A key that does not open
 * the reader's envelope (a zero-access member whose password was reset got a new key pair)
 * answers 410 message_key_lost, not a 500.
 */
export async function decryptMessage(
  message: Message,
  _userId: string,
  envelopeJwe: string,
  privateKey: jose.JWK.Key,
): Promise<MessageContent> {
  if (!message.content) throw MessageGoneError("shredded");
  try {
    return await openMessage(message.content, envelopeJwe, privateKey);
  } catch (err) {
    if (err instanceof MessageDecryptError) throw appError("message_key_lost");
    throw err;
  }
}
