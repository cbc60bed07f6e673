import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import type { Transaction } from "sequelize";
import { OutboxEntry } from "../models/OutboxEntry.js";
import type { Locale } from "../models/User.js";
import { renderEmail, renderSms, type TemplateVars } from "../services/templates.js";
import { seal, openText } from "../services/crypto/seal.js";
import { mailFromDomain } from "../env.js";
import { clock } from "../services/clock.js";
import { returnPathFor } from "../services/inbound/returnPath.js";

/** Emits "enqueued" after a transaction that wrote outbox rows commits; the worker listens. */
export const outboxEvents = new EventEmitter();

export interface EmailPayload {
  kind: "email";
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
  replyTo?: string;
  /** SMTP envelope sender: the e-mail's own return path (VERP), when replies are routed back. */
  returnPath?: string;
  /** The template it was rendered from (not sent): the worker tells a failed notification apart. */
  template?: string;
  /** The From display name (the organisation's sender name); the address stays MAIL_FROM's. */
  fromName?: string;
  /**
   * The organisation's logo, attached inline at delivery under `cid` (read then, so the sealed
   * payload stays small); should the logo be gone by then, its <img> is taken out of the HTML.
   */
  logo?: { organisationId: string; cid: string };
}

export interface SmsPayload {
  kind: "sms";
  to: string;
  message: string;
}

export type OutboxPayload = EmailPayload | SmsPayload;

const SEAL_PURPOSE = "outbox";

function mailDomain(): string {
  return mailFromDomain() || "kuvert.localhost";
}

function row(channel: "email" | "sms", payload: OutboxPayload, reference?: string) {
  const now = clock.now();
  return {
    channel,
    payload: seal(SEAL_PURPOSE, JSON.stringify(payload)),
    status: "pending" as const,
    // Due now on the one clock the worker claims by (tests step it); the retry window runs
    // from createdAt on the same clock.
    nextAttemptAt: now,
    createdAt: now,
    messageId: payload.kind === "email" ? payload.messageId : null,
    reference: reference ?? null,
  };
}

function wakeWorkerAfterCommit(t: Transaction): void {
  t.afterCommit(() => {
    outboxEvents.emit("enqueued");
  });
}

async function insert(
  t: Transaction,
  channel: "email" | "sms",
  payload: OutboxPayload,
  reference?: string,
): Promise<OutboxEntry> {
  const entry = await OutboxEntry.create(row(channel, payload, reference), { transaction: t });
  wakeWorkerAfterCommit(t);
  return entry;
}

export interface EnqueueEmail {
  to: string;
  template: string;
  locale: Locale;
  vars: TemplateVars;
  headers?: Record<string, string>;
  replyTo?: string;
  /** What caused the mail ("message_recipient:<id>"), so bounces can be routed back. */
  reference?: string;
  fromName?: string;
  logo?: { organisationId: string; cid: string };
}

function emailPayload(mail: EnqueueEmail): EmailPayload {
  const rendered = renderEmail(mail.template, mail.locale, mail.vars);
  // Stable per entry: a re-delivery after a crash carries the same Message-ID.
  const messageId = `<${crypto.randomUUID()}@${mailDomain()}>`;
  const returnPath = mail.reference ? returnPathFor(messageId) : null;
  return {
    kind: "email",
    to: mail.to,
    ...rendered,
    messageId,
    ...(returnPath ? { returnPath } : {}),
    headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", ...mail.headers },
    replyTo: mail.replyTo,
    template: mail.template,
    ...(mail.fromName ? { fromName: mail.fromName } : {}),
    ...(mail.logo ? { logo: mail.logo } : {}),
  };
}

/**
 * Renders an e-mail and writes it to the outbox inside `t`, so it is sent if and only if the
 * change that caused it commits. The payload is sealed at rest and erased once delivered.
 * An e-mail with a `reference` (a notification, a receipt) is sent with its own signed return
 * path (`bounce+…@<MAIL_FROM domain>`, services/inbound/returnPath.ts) as envelope sender, so
 * that bounces and auto-replies without any reference header still find their way back.
 */
export async function enqueueEmail(t: Transaction, mail: EnqueueEmail): Promise<OutboxEntry> {
  return insert(t, "email", emailPayload(mail), mail.reference);
}

/** Several e-mails in one insert (a message's notifications); the same rows as enqueueEmail's. */
export async function enqueueEmails(t: Transaction, mails: EnqueueEmail[]): Promise<void> {
  if (mails.length === 0) return;
  await OutboxEntry.bulkCreate(
    mails.map((m) => row("email", emailPayload(m), m.reference)),
    { transaction: t },
  );
  wakeWorkerAfterCommit(t);
}

export interface EnqueueSms {
  to: string;
  template: string;
  locale: Locale;
  vars: TemplateVars;
  reference?: string;
  /** Already written text (the organisation's own, placeholders filled) instead of the template. */
  text?: string;
}

export async function enqueueSms(t: Transaction, sms: EnqueueSms): Promise<OutboxEntry> {
  return insert(
    t,
    "sms",
    { kind: "sms", to: sms.to, message: sms.text ?? renderSms(sms.template, sms.locale, sms.vars) },
    sms.reference,
  );
}

export function openPayload(sealed: string): OutboxPayload {
  return JSON.parse(openText(SEAL_PURPOSE, sealed)) as OutboxPayload;
}
