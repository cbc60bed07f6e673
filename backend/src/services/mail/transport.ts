import fs from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
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
}

/** nodemailer's message options: From, and the envelope when the e-mail has its own return path. */
function messageOptions(mail: OutgoingEmail, from: string) {
  const { returnPath, ...rest } = mail;
  return { ...rest, from, ...(returnPath ? { envelope: { from: returnPath, to: mail.to } } : {}) };
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

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, { from } as SMTPTransport.Options);
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail(messageOptions(mail, from));
        return { providerId: info.messageId };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => transporter.close(),
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
