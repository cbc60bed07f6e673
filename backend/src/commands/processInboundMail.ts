import { Op, UniqueConstraintError, type Transaction } from "sequelize";
import { transaction } from "../db.js";
import { InboundMail } from "../models/InboundMail.js";
import { OutboxEntry } from "../models/OutboxEntry.js";
import { enqueueEmail } from "../outbox/enqueue.js";
import { logger } from "../logger.js";
import { classifyInbound, type ClassifiedInbound, type InboundClassification } from "../services/inbound/classify.js";
import { emitInbound } from "../services/inbound/events.js";
import { ANSWER_REFERENCE_PREFIX, decideAnswer, senderHash } from "../services/inbound/answer.js";
import { messageIdFromReturnPath } from "../services/inbound/returnPath.js";

export interface ProcessInboundProps {
  /** "smtp" (listener) or "http" (POST /api/inbound/mail). */
  via: "smtp" | "http";
  /** The SMTP envelope sender; "" for the null sender; undefined when not known (HTTP). */
  envelopeFrom?: string;
  /** The SMTP envelope recipients (RCPT TO); undefined when not known (HTTP). */
  envelopeTo?: string[];
  now?: Date;
}

export interface ProcessInboundResult {
  inboundMailId: number;
  classification: InboundClassification;
  matched: boolean;
  answered: boolean;
  /** The same mail (same Message-ID and sender) was processed before; nothing was done again. */
  duplicate: boolean;
}

/**
 * The outbox e-mail the inbound mail refers to: by its signed return path (VERP, the address the
 * mail was sent to — works for auto-replies that carry no reference), then by Message-ID (most
 * specific first) or envelope id. A forged return path verifies to nothing.
 */
async function findOutboxEntry(t: Transaction, mail: ClassifiedInbound): Promise<OutboxEntry | null> {
  const candidates = [
    ...mail.returnPaths.flatMap((a) => messageIdFromReturnPath(a) ?? []),
    ...mail.referencedIds,
    ...mail.envelopeIds.flatMap((id) => (id.startsWith("<") ? [id] : [id, `<${id}>`])),
  ].slice(0, 50);
  if (candidates.length === 0) return null;
  const entries = await OutboxEntry.findAll({
    where: { channel: "email", messageId: { [Op.in]: candidates } },
    attributes: ["id", "messageId", "reference", "channel"],
    transaction: t,
  });
  for (const id of candidates) {
    const found = entries.find((e) => e.messageId === id);
    if (found) return found;
  }
  return null;
}

async function recordAndRoute(
  t: Transaction,
  mail: ClassifiedInbound,
  props: ProcessInboundProps,
  now: Date,
): Promise<ProcessInboundResult> {
  const sender = mail.responseAddress ?? mail.from;
  const hash = sender ? senderHash(sender) : null;
  if (mail.messageId) {
    const seen = await InboundMail.findOne({
      where: { inboundMessageId: mail.messageId, senderHash: hash },
      transaction: t,
    });
    if (seen) {
      return {
        inboundMailId: seen.id,
        classification: seen.classification as InboundClassification,
        matched: seen.outboxEntryId != null,
        answered: false,
        duplicate: true,
      };
    }
  }
  const entry = await findOutboxEntry(t, mail);
  const decision = await decideAnswer(t, mail, entry, now);
  const row = await InboundMail.create(
    {
      receivedAt: now,
      via: props.via,
      classification: mail.classification,
      reason: mail.reason.slice(0, 40),
      inboundMessageId: mail.messageId?.slice(0, 250) ?? null,
      senderHash: hash,
      senderDomain: sender ? sender.slice(sender.lastIndexOf("@") + 1).slice(0, 255) : null,
      outboxEntryId: entry?.id ?? null,
      reference: entry?.reference ?? null,
      statusCode: mail.status ?? null,
      action: mail.action?.slice(0, 16) ?? null,
      answerKey: decision.answer ? decision.key : null,
      answerOutboxEntryId: null,
    },
    { transaction: t },
  );
  if (decision.answer) {
    const threading: Record<string, string> = mail.messageId
      ? { "In-Reply-To": mail.messageId, References: mail.messageId }
      : {};
    const answer = await enqueueEmail(t, {
      to: decision.to,
      template: "inbound-no-reply",
      locale: mail.locale,
      vars: {},
      headers: { "Auto-Submitted": "auto-replied", Precedence: "auto_reply", ...threading },
      reference: `${ANSWER_REFERENCE_PREFIX}${row.id}`,
    });
    row.answerOutboxEntryId = answer.id;
    await row.save({ transaction: t });
  }
  await emitInbound(t, {
    inboundMailId: row.id,
    classification: mail.classification,
    reference: entry?.reference ?? null,
    outboxEntryId: entry?.id ?? null,
    status: mail.status,
    action: mail.action,
    finalRecipient: mail.finalRecipient,
    period: mail.period,
    receivedAt: now,
  });
  logger.info(
    {
      inboundMailId: row.id,
      via: props.via,
      classification: mail.classification,
      reason: mail.reason,
      outboxEntryId: entry?.id ?? null,
      answered: decision.answer,
      ...(decision.answer ? {} : { notAnswered: decision.why }),
    },
    "inbound mail",
  );
  return {
    inboundMailId: row.id,
    classification: mail.classification,
    matched: entry != null,
    answered: decision.answer,
    duplicate: false,
  };
}

/** What a message that mailparser cannot read counts as: recorded, matched to nothing, never answered. */
function unparseable(): ClassifiedInbound {
  return {
    classification: "automatic",
    reason: "unparseable",
    referencedIds: [],
    envelopeIds: [],
    returnPaths: [],
    messageId: null,
    from: null,
    responseAddress: null,
    nullSender: false,
    bulk: false,
    locale: "sv",
  };
}

/**
 * Classifies one raw inbound message (bounce, auto-reply, reply to a notification), records it
 * in inbound_mail, matches it to the outbox e-mail it refers to, tells the subscribers of
 * onInboundClassified in the same transaction, and answers a human reply at most once.
 */
export async function processInboundMail(raw: Buffer, props: ProcessInboundProps): Promise<ProcessInboundResult> {
  const mail = await classifyInbound(raw, { envelopeFrom: props.envelopeFrom, envelopeTo: props.envelopeTo }).catch(
    (): ClassifiedInbound => unparseable(),
  );
  const now = props.now ?? new Date();
  try {
    return await transaction((t) => recordAndRoute(t, mail, props, now));
  } catch (err) {
    // Two copies of one reply raced for the same answer key: the loser is recorded unanswered.
    if (err instanceof UniqueConstraintError) return transaction((t) => recordAndRoute(t, mail, props, now));
    throw err;
  }
}
