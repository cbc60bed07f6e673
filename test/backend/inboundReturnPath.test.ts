import crypto from "node:crypto";
import { expect } from "chai";
import nodemailer from "nodemailer";
import type { User } from "../../backend/src/models/User.js";
import { env } from "../../backend/src/env.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { processInboundMail } from "../../backend/src/commands/processInboundMail.js";
import { startInboundSmtp, type InboundSmtpListener } from "../../backend/src/services/inbound/smtpListener.js";
import { ApiClient } from "../support/server.js";
import { signIn } from "../support/auth.js";
import { buildUser } from "../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { testWorker, drain } from "../support/outbox.js";

/** An old-style out-of-office answer: no In-Reply-To, no References, no Auto-Submitted — only a subject. */
function bareAutoReply(from: string, to: string): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      "Subject: =?UTF-8?Q?Fr=C3=A5nvaro?=",
      "Date: Sun, 22 Nov 2026 09:15:00 +0100",
      `Message-ID: <${crypto.randomUUID()}@old-exchange.example>`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Jag är på semester och tillbaka måndag 7 december.",
      "",
    ].join("\r\n"),
  );
}

describe("inbound mail: per-recipient return paths (VERP) match auto-replies without references (F14)", function () {
  this.timeout(30_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let listener: InboundSmtpListener;
  let sender: User;
  let senderApi: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    listener = await startInboundSmtp({ port: 0, host: "127.0.0.1", onMessage: processInboundMail });
    sender = await buildUser();
    senderApi = await signIn(sender);
  });

  after(async () => {
    await worker.stop();
    await listener.close();
    await smtp.close();
    await sms.close();
  });

  async function sendSmtp(raw: Buffer, envelopeFrom: string, to: string): Promise<void> {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw });
    } finally {
      transport.close();
    }
  }

  /** Sends a message to a new registered user; returns its id, the user and the notification's envelope sender. */
  async function notified(): Promise<{ id: string; recipient: User; returnPath: string }> {
    const recipient = await buildUser({ organisation: null });
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      to: [{ email: recipient.email }],
      subject: "Beslut",
      body: "Hej",
      options: { notify: true },
    });
    expect(sent.status, sent.text).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(recipient.email));
    return { id: sent.body.id, recipient, returnPath: mail.envelopeFrom };
  }

  async function statusSeenBySender(messageId: string): Promise<string> {
    const res = await senderApi.get<{ recipients: Array<{ status: string }> }>(`/api/messages/${messageId}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.recipients[0].status;
  }

  it("each notification goes out with its own signed return path under the MAIL_FROM domain", async () => {
    const a = await notified();
    const b = await notified();
    const domain = /@([^>\s]+)/.exec(env().MAIL_FROM)![1].toLowerCase();
    for (const n of [a, b]) expect(n.returnPath).to.match(new RegExp(`^bounce\\+[0-9a-f]{32}-[0-9a-f]{16}@${domain}$`));
    expect(a.returnPath).to.not.equal(b.returnPath);
  });

  it("an out-of-office reply with neither In-Reply-To nor References, sent to the return path, marks the recipient away", async () => {
    const n = await notified();
    expect(await statusSeenBySender(n.id)).to.equal("notified");
    await sendSmtp(bareAutoReply(n.recipient.email, n.returnPath), n.recipient.email, n.returnPath);
    expect(await statusSeenBySender(n.id)).to.equal("away");
  });

  it("a forged return path is refused at RCPT TO and, posted over HTTP, matched to nobody", async () => {
    const n = await notified();
    const [local, domain] = n.returnPath.split("@");
    const forgedTag = local.slice(0, -1) + (local.endsWith("0") ? "1" : "0");
    const forged = `${forgedTag}@${domain}`;
    const guessed = `bounce+${crypto.randomBytes(16).toString("hex")}-${crypto.randomBytes(8).toString("hex")}@${domain}`;
    for (const address of [forged, guessed]) {
      let refused: (Error & { responseCode?: number }) | null = null;
      await sendSmtp(bareAutoReply(n.recipient.email, address), n.recipient.email, address).catch((err: Error) => {
        refused = err;
      });
      expect(refused, `RCPT TO ${address}`).to.not.equal(null);
      expect(refused!.responseCode).to.equal(550);
    }
    const api = await ApiClient.create();
    const res = await api.request("POST", "/api/inbound/mail", bareAutoReply(n.recipient.email, forged), {
      Authorization: `Bearer ${env().INBOUND_TOKEN}`,
      "Content-Type": "message/rfc822",
    });
    expect(res.status, res.text).to.equal(202);
    expect(res.body.classification).to.equal("auto_reply");
    expect(await statusSeenBySender(n.id)).to.equal("notified");
  });

  it("the genuine return path posted over HTTP (To: header) is matched too", async () => {
    const n = await notified();
    const api = await ApiClient.create();
    const res = await api.request("POST", "/api/inbound/mail", bareAutoReply(n.recipient.email, n.returnPath), {
      Authorization: `Bearer ${env().INBOUND_TOKEN}`,
      "Content-Type": "message/rfc822",
    });
    expect(res.status, res.text).to.equal(202);
    expect(await statusSeenBySender(n.id)).to.equal("away");
  });
});
