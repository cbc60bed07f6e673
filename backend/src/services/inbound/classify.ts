import { simpleParser, type ParsedMail, type Attachment } from "mailparser";
import type { Locale } from "../../models/User.js";
import {
  dsnAddress,
  first,
  headerMapFromLines,
  isMailbox,
  messageIds,
  parseDeliveryStatus,
  parseHeaderBlock,
  statusCode,
  type HeaderMap,
} from "./headers.js";

/**
 * - `auto_reply`: an out-of-office or other automatic answer from a person's mailbox (RFC 3834).
 * - `bounce`: a delivery failure or delay report (RFC 3464 DSN, or a common non-standard one).
 * - `automatic`: other machine mail that is neither (a positive DSN, a read receipt (MDN),
 *   mailing-list traffic, mail from a system account): recorded, never answered, no status.
 * - `human_reply`: everything else — a person answering the notification e-mail.
 */
export const inboundClassifications = ["auto_reply", "bounce", "automatic", "human_reply"] as const;
export type InboundClassification = (typeof inboundClassifications)[number];

export interface ClassifiedInbound {
  classification: InboundClassification;
  /** The signal that decided it, e.g. "dsn", "auto-submitted", "subject", "list" (for diagnostics). */
  reason: string;
  /** Message-IDs the mail refers to, most specific first: the DSN's original, In-Reply-To, References. */
  referencedIds: string[];
  /** RFC 3464 Original-Envelope-Id values. */
  envelopeIds: string[];
  /**
   * Our return paths (VERP, `bounce+…`) the mail was addressed to, from the SMTP envelope
   * recipients and the To, Cc, Delivered-To and X-Original-To headers; unverified (the caller
   * checks the tag).
   */
  returnPaths: string[];
  /** The inbound mail's own Message-ID. */
  messageId: string | null;
  /** The From address, lower case. */
  from: string | null;
  /**
   * Where an automatic answer would go (RFC 3834 §4: the envelope sender / Return-Path, else
   * From); null when the sender is null ("<>") or unknown.
   */
  responseAddress: string | null;
  /** True when the envelope sender or Return-Path is the null sender "<>". */
  nullSender: boolean;
  /** List or bulk markers (List-Id, List-Unsubscribe, Precedence bulk/junk/list). */
  bulk: boolean;
  /** Bounces: the failed recipient (Final-Recipient, else Original-Recipient, X-Failed-Recipients). */
  finalRecipient?: string;
  /** Bounces: the RFC 3463 enhanced status code, e.g. "5.1.1". */
  status?: string;
  /** Bounces: "failed" or "delayed" (RFC 3464 Action); positive DSNs: their action. */
  action?: string;
  /**
   * Auto-replies: one short line (≤ 200 characters) that looks like the absence period. It is
   * untrusted text written by a stranger: show it only as plain text, never log it.
   */
  period?: string;
  /** The language an answer to this mail should use. */
  locale: Locale;
}

export interface ClassifyOptions {
  /** The SMTP envelope sender (MAIL FROM); "" for the null sender; undefined when not known. */
  envelopeFrom?: string;
  /** The SMTP envelope recipients (RCPT TO); undefined when not known (HTTP). */
  envelopeTo?: string[];
}

const RETURN_PATH_IN_TEXT = /bounce\+[0-9a-z-]{1,80}@[^\s<>,;"']{1,255}/gi;

/** Return-path-shaped addresses among the envelope recipients and the addressing headers. */
function returnPathsOf(headers: HeaderMap, envelopeTo: string[] = []): string[] {
  const values = [...envelopeTo, ...["to", "cc", "delivered-to", "x-original-to"].flatMap((h) => headers.get(h) ?? [])];
  const found = values.flatMap((v) => v.slice(0, 2000).match(RETURN_PATH_IN_TEXT) ?? []);
  return [...new Set(found.map((a) => a.toLowerCase()))].slice(0, 10);
}

const AUTO_SUBJECT =
  /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:automatiskt svar|autosvar|auto[- ]?svar|frånvaro|frånvarande|semester|out of (?:the )?office|ooo\b|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|autoresponse|abwesenheitsnotiz|abwesend|automatische antwort|fravær|fraværende|automatisk svar|poissaolo|automaattinen vastaus|réponse automatique|absence|respuesta automática|fuera de la oficina|risposta automatica|fuori sede|afwezig|automatisch antwoord|on vacation|on leave|away from (?:the )?office|vacation)/i;

const BOUNCE_SUBJECT =
  /undeliver|delivery status notification \((?:failure|delay)\)|delivery (?:has )?fail|failure notice|returned mail|mail delivery (?:failed|subsystem)|could not be delivered|delivery delayed|delayed mail|olevererbar|kunde inte levereras|leveransfel|unzustellbar|nicht zustellbar|non remis|non recapitabile|kan ikke leveres|kunne ikke leveres|onbestelbaar/i;

const SYSTEM_LOCAL = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|daemon)$/i;

const MONTHS =
  "jan(?:uari|uary|uar)?|feb(?:ruari|ruary|ruar)?|mar(?:s|ch)?|märz|apr(?:il)?|maj|may|mai|jun(?:i|e)?|jul(?:i|y)?|aug(?:usti|ust)?|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|dez(?:ember)?";
const DATEISH = new RegExp(
  `\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b\\d{1,2}[./]\\d{1,2}(?:[./]\\d{2,4})?\\b|\\b\\d{1,2}(?:\\.|:e|:a|st|nd|rd|th)?\\s+(?:${MONTHS})\\b|\\b(?:${MONTHS})\\.?\\s+\\d{1,2}\\b`,
  "i",
);

function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const angle = /<([^<>\s]*)>/.exec(value);
  const candidate = (angle ? angle[1] : value.split(/[\s(]/)[0]).trim();
  return isMailbox(candidate) ? candidate.toLowerCase() : null;
}

function localPart(address: string | null): string {
  return address ? address.slice(0, address.lastIndexOf("@")) : "";
}

function attachmentsOf(mail: ParsedMail, ...types: string[]): Attachment[] {
  return mail.attachments.filter((a) => types.includes(a.contentType.toLowerCase()));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

interface DsnFacts {
  kind: "failure" | "positive";
  action?: string;
  status?: string;
  finalRecipient?: string;
  envelopeIds: string[];
}

const ACTION_RANK: Record<string, number> = { failed: 3, delayed: 2, delivered: 1, relayed: 1, expanded: 1 };

/** Reads a message/delivery-status part: the worst recipient decides (failed > delayed > others). */
function readDsn(parts: Attachment[]): DsnFacts {
  const facts: DsnFacts = { kind: "positive", envelopeIds: [] };
  let best = -1;
  for (const part of parts) {
    const [perMessage, ...perRecipient] = parseDeliveryStatus(part.content.toString("utf8"));
    const envid = perMessage ? first(perMessage, "original-envelope-id") : undefined;
    if (envid) facts.envelopeIds.push(envid.trim().slice(0, 250));
    for (const group of perRecipient.length ? perRecipient : perMessage ? [perMessage] : []) {
      const action = first(group, "action")?.trim().toLowerCase().split(/\s/)[0];
      const status = statusCode(first(group, "status"));
      const failing = action === "failed" || action === "delayed" || (!!status && !status.startsWith("2"));
      const rank = (action ? (ACTION_RANK[action] ?? 0) : 0) + (failing ? 10 : 0);
      if (rank <= best) continue;
      best = rank;
      facts.kind = failing ? "failure" : "positive";
      facts.action = action ?? (status?.startsWith("4") ? "delayed" : status?.startsWith("5") ? "failed" : undefined);
      facts.status = status;
      facts.finalRecipient =
        dsnAddress(first(group, "final-recipient")) ?? dsnAddress(first(group, "original-recipient"));
    }
  }
  return facts;
}

/** Message-IDs of the original message attached to a report (message/rfc822 or text/rfc822-headers). */
function originalIds(mail: ParsedMail): string[] {
  return attachmentsOf(
    mail,
    "message/rfc822",
    "text/rfc822-headers",
    "message/rfc822-headers",
    "message/global",
    "message/global-headers",
  ).flatMap((a) => messageIds(first(parseHeaderBlock(a.content.toString("utf8")), "message-id")));
}

/** For non-standard bounces that quote the original inline: "Message-ID: <...>" lines in the text. */
function inlineIds(text: string): string[] {
  return [...text.slice(0, 256 * 1024).matchAll(/^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,400}>)/gim)]
    .slice(0, 5)
    .flatMap((m) => messageIds(m[1]));
}

function textStatus(text: string): { status?: string; action?: string } {
  const enhanced = /\b([45]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  if (enhanced) return { status: enhanced, action: enhanced.startsWith("4") ? "delayed" : "failed" };
  const basic = /\b([45])\d\d[ -]/.exec(text)?.[1];
  if (basic) return { status: `${basic}.0.0`, action: basic === "4" ? "delayed" : "failed" };
  return {};
}

function textFailedRecipient(text: string): string | undefined {
  const m = /^[ \t]*<([^\s<>]{3,254})>:/m.exec(text.slice(0, 64 * 1024));
  return m && isMailbox(m[1]) ? m[1].toLowerCase() : undefined;
}

/** One short line of the auto-reply that looks like the absence period, or undefined. */
export function findPeriod(subject: string, text: string): string | undefined {
  const lines = [subject, ...text.split(/\r?\n/).slice(0, 40)];
  for (const line of lines) {
    if (/^\s*>/.test(line)) continue;
    const clean = line
      .replace(/[\p{Cc}\p{Cf}]/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (clean && DATEISH.test(clean)) return clean.length > 200 ? clean.slice(0, 199) + "…" : clean;
  }
  return undefined;
}

function detectLocale(headers: HeaderMap, subject: string): Locale {
  const lang = (first(headers, "content-language") ?? first(headers, "accept-language") ?? "").trim().toLowerCase();
  if (lang.startsWith("sv")) return "sv";
  if (lang.startsWith("en")) return "en";
  if (/^\s*(?:sv|vs|svar):/i.test(subject) || /[åäöÅÄÖ]/.test(subject)) return "sv";
  if (lang) return "en";
  return "sv";
}

function isAutoSubmitted(headers: HeaderMap): string | undefined {
  const autoSubmitted = first(headers, "auto-submitted");
  if (autoSubmitted !== undefined && autoSubmitted.split(";")[0].trim().toLowerCase() !== "no") return "auto-submitted";
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder", "x-autoresponse", "x-vacation"]) {
    const value = first(headers, name);
    if (value !== undefined && !/^\s*(?:no|false|0)\s*$/i.test(value)) return name;
  }
  const precedence = (first(headers, "precedence") ?? "").trim().toLowerCase();
  if (["auto_reply", "auto-reply", "bulk", "junk"].includes(precedence)) return `precedence-${precedence}`;
  const exchange = [...headers.keys()].some((k) => k.startsWith("x-ms-exchange-"));
  if (headers.has("x-auto-response-suppress") && exchange) return "x-auto-response-suppress";
  if (headers.has("x-ms-exchange-inbox-rules-loop")) return "x-ms-exchange-inbox-rules-loop";
  if ((first(headers, "x-ms-exchange-organization-autoresponse") ?? "") !== "") return "x-ms-exchange-autoresponse";
  return undefined;
}

/**
 * Classifies a raw RFC 5322 message that arrived at a Kuvert address (bounces, out-of-office
 * answers and replies to notification e-mails) and extracts what routing needs. It reads
 * structure and headers; of the body it looks only for bounce status codes, quoted Message-IDs
 * and an absence period line. Nothing here logs or keeps the body (S6).
 */
export async function classifyInbound(raw: Buffer | string, opts: ClassifyOptions = {}): Promise<ClassifiedInbound> {
  const mail = await simpleParser(raw, {
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: 512 * 1024,
  });
  const headers = headerMapFromLines(mail.headerLines);
  const subject = (mail.subject ?? "").slice(0, 500);
  const text = mail.text ?? "";
  const from = addressOf(first(headers, "from"));
  const returnPathRaw = first(headers, "return-path");
  const envelopeFrom = opts.envelopeFrom;
  const nullSender =
    envelopeFrom === "" ||
    (envelopeFrom === undefined && returnPathRaw !== undefined && /^\s*<\s*>\s*$/.test(returnPathRaw));
  const sender =
    envelopeFrom !== undefined
      ? addressOf(envelopeFrom)
      : returnPathRaw !== undefined
        ? addressOf(returnPathRaw)
        : from;
  const precedence = (first(headers, "precedence") ?? "").trim().toLowerCase();
  const list =
    headers.has("list-id") || headers.has("list-unsubscribe") || headers.has("list-post") || precedence === "list";
  const bulk = list || ["bulk", "junk"].includes(precedence);

  const contentType = mail.headers.get("content-type") as
    { value?: string; params?: Record<string, string> } | undefined;
  const reportType =
    contentType?.value?.toLowerCase() === "multipart/report"
      ? (contentType.params?.["report-type"] ?? "").toLowerCase()
      : "";
  const statusParts = attachmentsOf(mail, "message/delivery-status", "message/global-delivery-status");

  const base = {
    returnPaths: returnPathsOf(headers, opts.envelopeTo),
    messageId: messageIds(first(headers, "message-id"))[0] ?? null,
    from,
    responseAddress: nullSender ? null : sender,
    nullSender,
    bulk,
    locale: detectLocale(headers, subject),
    envelopeIds: [] as string[],
  };
  const threadIds = [
    ...messageIds(first(headers, "in-reply-to")),
    ...messageIds(first(headers, "references")).reverse(),
  ];

  // 1. RFC 3464 delivery status notifications.
  if (reportType === "delivery-status" || statusParts.length > 0) {
    const dsn = readDsn(statusParts);
    return {
      ...base,
      classification: dsn.kind === "failure" ? "bounce" : "automatic",
      reason: dsn.kind === "failure" ? "dsn" : "dsn-positive",
      referencedIds: unique([...originalIds(mail), ...threadIds]),
      envelopeIds: dsn.envelopeIds,
      finalRecipient: dsn.finalRecipient,
      status: dsn.status,
      action: dsn.action,
    };
  }
  // 2. Read receipts and other reports (RFC 8098 MDNs, ARF feedback).
  if (reportType !== "") {
    return {
      ...base,
      classification: "automatic",
      reason: `report-${reportType.slice(0, 20)}`,
      referencedIds: unique([...originalIds(mail), ...threadIds]),
    };
  }
  // 3. Non-standard bounces from MTAs.
  const systemSender = SYSTEM_LOCAL.test(localPart(from)) || SYSTEM_LOCAL.test(localPart(sender));
  const failedHeader = addressOf(first(headers, "x-failed-recipients")?.split(",")[0]);
  const bounceSubject = BOUNCE_SUBJECT.test(subject);
  if (failedHeader || (bounceSubject && (systemSender || nullSender)) || (systemSender && textStatus(text).status)) {
    const found = textStatus(text);
    const delayed = /delay/i.test(subject);
    return {
      ...base,
      classification: "bounce",
      reason: failedHeader ? "x-failed-recipients" : "bounce-text",
      referencedIds: unique([...originalIds(mail), ...threadIds, ...inlineIds(text)]),
      finalRecipient: failedHeader ?? textFailedRecipient(text),
      status: found.status ?? (delayed ? "4.0.0" : "5.0.0"),
      action: delayed ? "delayed" : (found.action ?? "failed"),
    };
  }
  // 4. Auto-replies marked as such in the headers (RFC 3834 and vendor headers).
  const autoSignal = isAutoSubmitted(headers);
  const autoReply = (reason: string): ClassifiedInbound => ({
    ...base,
    classification: "auto_reply",
    reason,
    referencedIds: unique(threadIds),
    period: findPeriod(subject, text),
  });
  if (autoSignal) return autoReply(autoSignal);
  // 5. Mailing-list traffic.
  if (list) return { ...base, classification: "automatic", reason: "list", referencedIds: unique(threadIds) };
  // 6. Out-of-office subjects without any header marker.
  if (AUTO_SUBJECT.test(subject)) return autoReply("subject");
  // 7. Null sender: only automatic mail uses it.
  if (nullSender) return autoReply("null-sender");
  if (systemSender)
    return { ...base, classification: "automatic", reason: "system-sender", referencedIds: unique(threadIds) };
  return { ...base, classification: "human_reply", reason: "none", referencedIds: unique(threadIds) };
}
