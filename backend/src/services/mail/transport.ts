import fs from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import { DeliveryError } from "../delivery.js";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  replyTo?: string;
  /** The SMTP envelope sender (MAIL FROM) when it differs from From: the e-mail's return path. */
  returnPath?: string;
  /** The From display name instead of MAIL_FROM's own (the address stays MAIL_FROM's). */
  fromName?: string;
  /** Inline images the HTML refers to as cid:… (the organisation's logo). */
  inline?: Array<{ cid: string; contentType: string; filename: string; content: Buffer }>;
}

/** The address in MAIL_FROM ("Kuvert <no-reply@x.se>" → "no-reply@x.se"). */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}

/**
 * nodemailer's message options: From (with the organisation's display name when it has one;
 * nodemailer quotes and encodes it), inline images, and the envelope when the e-mail has its own
 * return path.
 */
function messageOptions(mail: OutgoingEmail, from: string) {
  const { returnPath, fromName, inline, ...rest } = mail;
  return {
    ...rest,
    from: fromName ? { name: fromName, address: addressOf(from) } : from,
    ...(inline?.length
      ? {
          attachments: inline.map((a) => ({
            cid: a.cid,
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
            contentDisposition: "inline" as const,
          })),
        }
      : {}),
    ...(returnPath ? { envelope: { from: returnPath, to: mail.to } } : {}),
  };
}

export interface MailTransport {
  send(mail: OutgoingEmail): Promise<{ providerId: string }>;
  close(): void;
}

interface SmtpErrorish {
  responseCode?: number;
  code?: string;
  message?: string;
}

/** 5xx from the server is permanent; anything else (4xx, connection trouble) is retried. */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = err as SmtpErrorish;
  const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
  const text = e.responseCode ? `SMTP ${e.responseCode}` : `SMTP ${e.code ?? "error"}`;
  return new DeliveryError(text, permanent);
}

export interface SmtpPoolOptions {
  /** Connections kept open to the SMTP server (nodemailer's `maxConnections`). */
  maxConnections: number;
  /** Messages sent over one connection before it is replaced (nodemailer's `maxMessages`). */
  maxMessages: number;
}

/**
 * SMTP through a pool of kept-open connections (nodemailer's `pool: true`): several e-mails are
 * sent at once, each over a connection that is already greeted and authenticated. A connection
 * that goes quiet is dropped after two minutes, well inside the outbox lease, so a hung server
 * cannot outlive the claim and cause a second delivery.
 */
export function smtpTransport(
  url: string,
  from: string,
  pool: SmtpPoolOptions = { maxConnections: 5, maxMessages: 100 },
): MailTransport {
  const create = () =>
    nodemailer.createTransport(
      {
        url,
        pool: true,
        maxConnections: pool.maxConnections,
        maxMessages: pool.maxMessages,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 120_000,
      } as SMTPPool.Options & { url: string },
      { from },
    );
  // Opened on first use; close() ends the pool's connections and the next send opens a new one.
  let transporter: ReturnType<typeof create> | null = null;
  return {
    async send(mail) {
      transporter ??= create();
      try {
        const info = await transporter.sendMail(messageOptions(mail, from));
        return { providerId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transporter?.close();
      transporter = null;
    },
  };
}

/** Development transport: each e-mail becomes an .eml file under `dir`. */
export function fileTransport(dir: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(mail) {
      const info = await transporter.sendMail(messageOptions(mail, from));
      await fs.mkdir(dir, { recursive: true });
      const safeId = mail.messageId.replace(/[^A-Za-z0-9.-]/g, "_");
      const file = path.join(dir, `${safeId}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      return { providerId: file };
    },
    close: () => transporter.close(),
  };
}
