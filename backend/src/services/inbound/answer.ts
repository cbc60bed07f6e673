import crypto from "node:crypto";
import { Op, type Transaction } from "sequelize";
import { InboundMail } from "../../models/InboundMail.js";
import type { OutboxEntry } from "../../models/OutboxEntry.js";
import { deriveKey } from "../crypto/masterKey.js";
import { mailFromDomain } from "../../env.js";
import type { ClassifiedInbound } from "./classify.js";

/** At most this many "this address takes no replies" answers per sender address per 24 hours. */
export const ANSWERS_PER_SENDER_PER_DAY = 3;

/** References of outbox entries that are themselves our answers to inbound mail. */
export const ANSWER_REFERENCE_PREFIX = "inbound_mail:";

/** Local parts that never get an answer: system, list and no-reply accounts. */
const NEVER_ANSWER_LOCAL =
  /^(?:mailer-daemon|mail-daemon|postmaster|hostmaster|abuse|root|daemon|nobody|no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.+].*|.*[-_.+]no[-_.]?reply|bounces?|.*[-_.+]bounces?(?:[-_.+].*)?|bounces?[-_.+].*|listserv|majordomo|owner-.*|.*-owner|.*-request|notifications?|automailer)$/i;

/** HMAC-SHA256 of an address under a MASTER_KEY-derived key: equal senders, equal hashes; no address at rest. */
export function senderHash(address: string): string {
  return crypto.createHmac("sha256", deriveKey("inbound-sender")).update(address.toLowerCase()).digest("hex");
}

function answerKey(address: string, outboxEntryId: number): string {
  return crypto
    .createHmac("sha256", deriveKey("inbound-sender"))
    .update(`${address.toLowerCase()}\0answer\0${outboxEntryId}`)
    .digest("hex");
}

function ownDomain(): string {
  return mailFromDomain();
}

export type AnswerDecision = { answer: true; to: string; key: string } | { answer: false; why: string };

/**
 * Whether a human reply gets the short "this address takes no replies" answer: only a human
 * reply to one of our notifications (matched by Message-ID, which keeps us from answering
 * forged senders), never to a null, system, no-reply, list or own address, once per sender
 * and notification, and at most ANSWERS_PER_SENDER_PER_DAY per sender.
 */
export async function decideAnswer(
  t: Transaction,
  mail: ClassifiedInbound,
  entry: OutboxEntry | null,
  now: Date,
): Promise<AnswerDecision> {
  if (mail.classification !== "human_reply") return { answer: false, why: "automatic" };
  if (mail.bulk || mail.nullSender) return { answer: false, why: "bulk" };
  if (!entry) return { answer: false, why: "unmatched" };
  if (entry.reference?.startsWith(ANSWER_REFERENCE_PREFIX)) return { answer: false, why: "reply-to-answer" };
  const to = mail.responseAddress;
  if (!to) return { answer: false, why: "no-sender" };
  const at = to.lastIndexOf("@");
  if (NEVER_ANSWER_LOCAL.test(to.slice(0, at))) return { answer: false, why: "system-sender" };
  const domain = to.slice(at + 1);
  const own = ownDomain();
  if (own && (domain === own || domain.endsWith(`.${own}`))) return { answer: false, why: "own-domain" };
  const key = answerKey(to, entry.id);
  if (await InboundMail.findOne({ where: { answerKey: key }, attributes: ["id"], transaction: t })) {
    return { answer: false, why: "already-answered" };
  }
  const recent = await InboundMail.count({
    where: {
      senderHash: senderHash(to),
      answerOutboxEntryId: { [Op.ne]: null },
      receivedAt: { [Op.gt]: new Date(now.getTime() - 24 * 3600 * 1000) },
    },
    transaction: t,
  });
  if (recent >= ANSWERS_PER_SENDER_PER_DAY) return { answer: false, why: "daily-limit" };
  return { answer: true, to, key };
}
