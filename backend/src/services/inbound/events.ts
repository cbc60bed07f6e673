import type { Transaction } from "sequelize";
import type { InboundClassification } from "./classify.js";

/** What the rest of Kuvert learns about one inbound mail. No body, no sender address. */
/**
 * Every classification is announced, matched or not (reference and outboxEntryId are then
 * null). Subscribers act on "bounce" and "auto_reply" and ignore "automatic" (positive DSNs,
 * read receipts, list mail) and "human_reply" (answered here, see answer.ts).
 */
export interface InboundEvent {
  /** The inbound_mail row. */
  inboundMailId: number;
  classification: InboundClassification;
  /** The matched outbox entry's reference ("message_recipient:<id>"), null when nothing matched. */
  reference: string | null;
  outboxEntryId: number | null;
  /** Bounces: RFC 3463 status code, e.g. "5.1.1" or "4.4.7". */
  status?: string;
  /** Bounces: "failed" (final) or "delayed" (the remote MTA is still retrying; not final). */
  action?: string;
  /** Bounces: the failed recipient address as reported by the remote MTA (untrusted). */
  finalRecipient?: string;
  /** Auto-replies: one short line that looks like the absence period (untrusted plain text). */
  period?: string;
  receivedAt: Date;
}

export type InboundListener = (t: Transaction, event: InboundEvent) => Promise<void> | void;

const listeners: InboundListener[] = [];

/**
 * Subscribes to classified inbound mail. Listeners run in order inside the transaction that
 * records the mail: a listener that throws rolls everything back and the mail is refused with
 * a temporary error (the sending MTA retries). Returns an unsubscribe function.
 */
export function onInboundClassified(listener: InboundListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

/** Calls every listener with `event`, in subscription order, inside `t`. */
export async function emitInbound(t: Transaction, event: InboundEvent): Promise<void> {
  for (const listener of [...listeners]) await listener(t, event);
}
