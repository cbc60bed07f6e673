import crypto from "node:crypto";
import { expect } from "chai";
import { Op } from "sequelize";
import nodemailer from "nodemailer";
import { transaction } from "../../backend/src/db.js";
import { enqueueEmail } from "../../backend/src/outbox/enqueue.js";
import { InboundMail } from "../../backend/src/models/InboundMail.js";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { onInboundClassified, type InboundEvent } from "../../backend/src/services/inbound/events.js";
import { startInboundSmtp, type InboundSmtpListener } from "../../backend/src/services/inbound/smtpListener.js";
import { INBOUND_MAX_BYTES } from "../../backend/src/services/inbound/limits.js";
import { ApiClient } from "../support/server.js";
import { startSmtpCatcher, type SmtpCatcher, type CapturedMail } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { testWorker, drain } from "../support/outbox.js";
import { inboundFixture, type InboundFixture } from "../support/inbound.js";
import { uniqueEmail } from "../support/factories.js";
import { freePort, startServerProcess, waitForExit } from "../support/processes.js";
import { processInboundMail } from "../../backend/src/commands/processInboundMail.js";

const TOKEN = "test-inbound-token-0123456789";

interface Notification {
  id: number;
  messageId: string;
  reference: string;
  to: string;
}

/** An outbox e-mail like the ones messaging sends, with a reference to route replies back. */
async function notification(): Promise<Notification> {
  const to = uniqueEmail("recipient");
  const reference = `inbound_test:${crypto.randomUUID()}`;
  const entry = await transaction((t) =>
    enqueueEmail(t, {
      to,
      template: "notification",
      locale: "sv",
      vars: {
        senderName: "Handläggare",
        link: "http://kuvert.test/r/test",
        subject: null,
        expiresAt: null,
        orgName: "Testkommun",
      },
      reference,
    }),
  );
  return { id: entry.id, messageId: entry.messageId!, reference, to };
}

describe("inbound mail: SMTP listener and POST /api/inbound/mail", function () {
  this.timeout(30_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let listener: InboundSmtpListener;
  let api: ApiClient;
  const events: InboundEvent[] = [];
  let unsubscribe: () => void;
  /** Addresses the notifications went to; any other captured mail is an answer. */
  const notified = new Set<string>();

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    listener = await startInboundSmtp({ port: 0, host: "127.0.0.1", onMessage: processInboundMail });
    api = await ApiClient.create();
    unsubscribe = onInboundClassified((_t, event) => {
      events.push(event);
    });
  });

  after(async () => {
    unsubscribe();
    await worker.stop();
    await listener.close();
    await smtp.close();
    await sms.close();
  });

  async function sentNotification(): Promise<Notification> {
    const n = await notification();
    notified.add(n.to);
    return n;
  }

  async function sendSmtp(raw: Buffer, envelopeFrom: string, port = listener.port): Promise<void> {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: envelopeFrom, to: ["no-reply@kuvert.test"] }, raw });
    } finally {
      transport.close();
    }
  }

  function postMail(raw: Buffer | string, headers: Record<string, string> = {}) {
    return api.request<{ classification?: string; error?: string }>("POST", "/api/inbound/mail", raw, {
      Authorization: `Bearer ${TOKEN}`,
      "Content-Type": "message/rfc822",
      ...headers,
    });
  }

  let mark = 0;
  beforeEach(async () => {
    await drain(worker);
    mark = smtp.mails.length;
  });

  /** Delivers everything queued; returns the mails captured in this test that are answers (not notifications). */
  async function answers(): Promise<CapturedMail[]> {
    await drain(worker);
    return smtp.mails.slice(mark).filter((m) => m.envelopeTo.some((a) => !notified.has(a)));
  }

  /** The fixture with a Message-ID of its own, so it is not taken for a redelivery of an earlier test's mail. */
  function fresh(raw: Buffer): Buffer {
    return Buffer.from(
      raw
        .toString("utf8")
        .replace(/^(Message-I[dD]:[ \t]*)<[^>]+>/m, (_m, p: string) => `${p}<${crypto.randomUUID()}@mta.example>`),
    );
  }

  async function lastRow(outboxEntryId: number): Promise<InboundMail> {
    const row = await InboundMail.findOne({ where: { outboxEntryId }, order: [["id", "DESC"]] });
    expect(row, "inbound_mail row").to.not.equal(null);
    return row!;
  }

  const automatic: Array<{
    fixture: InboundFixture;
    envelopeFrom: string;
    classification: string;
    status?: string;
    action?: string;
    finalRecipient?: string;
  }> = [
    { fixture: "exchange-auto-reply", envelopeFrom: "anna.andersson@kommun.example", classification: "auto_reply" },
    { fixture: "franvaro-subject-only", envelopeFrom: "erik@foretag.example", classification: "auto_reply" },
    { fixture: "gmail-vacation", envelopeFrom: "john.smith@gmail.example", classification: "auto_reply" },
    {
      fixture: "dsn-5.1.1",
      envelopeFrom: "",
      classification: "bounce",
      status: "5.1.1",
      action: "failed",
      finalRecipient: "nosuchuser@kommun.example",
    },
    {
      fixture: "dsn-delayed-4.4.7",
      envelopeFrom: "",
      classification: "bounce",
      status: "4.4.7",
      action: "delayed",
      finalRecipient: "slow@example.org",
    },
    {
      fixture: "nonstandard-bounce",
      envelopeFrom: "",
      classification: "bounce",
      status: "5.1.1",
      action: "failed",
      finalRecipient: "gone@example.net",
    },
    { fixture: "mailing-list", envelopeFrom: "forum-bounces@lists.example.org", classification: "automatic" },
  ];

  for (const c of automatic) {
    it(`SMTP: ${c.fixture} is classified ${c.classification}, matched to its notification, announced, and never answered`, async () => {
      const n = await sentNotification();
      const before = events.length;
      await sendSmtp(fresh(inboundFixture(c.fixture, n.messageId)), c.envelopeFrom);
      const row = await lastRow(n.id);
      expect(row.classification).to.equal(c.classification);
      expect(row.via).to.equal("smtp");
      expect(row.reference).to.equal(n.reference);
      expect(row.answerOutboxEntryId).to.equal(null);
      expect(row.answerKey).to.equal(null);
      expect(row.statusCode).to.equal(c.status ?? null);
      const event = events.slice(before).find((e) => e.outboxEntryId === n.id);
      expect(event, "event").to.not.equal(undefined);
      expect(event!.classification).to.equal(c.classification);
      expect(event!.reference).to.equal(n.reference);
      expect(event!.inboundMailId).to.equal(row.id);
      if (c.status) {
        expect(event!.status).to.equal(c.status);
        expect(event!.action).to.equal(c.action);
        expect(event!.finalRecipient).to.equal(c.finalRecipient);
      }
      if (c.classification === "auto_reply") expect(event!.period).to.be.a("string");
      expect(await answers(), "no answer to automatic mail").to.have.length(0);
    });
  }

  it("nothing about the body is stored: the row holds routing facts and a keyed sender hash only", async () => {
    const n = await sentNotification();
    await sendSmtp(
      inboundFixture("human-reply", n.messageId, { "CAHuman-reply-0001": `store-${n.id}` }),
      "maria.nilsson@medborgare.example",
    );
    const row = await lastRow(n.id);
    const stored = JSON.stringify(row.get({ plain: true }));
    expect(stored).to.not.contain("maria.nilsson");
    expect(stored).to.not.contain("länken");
    expect(row.senderDomain).to.equal("medborgare.example");
    expect(row.senderHash).to.match(/^[0-9a-f]{64}$/);
  });

  it("SMTP: a human reply is answered exactly once per sender and notification, with Auto-Submitted: auto-replied", async () => {
    const n = await sentNotification();
    const sender = uniqueEmail("citizen");
    const reply = (id: string) =>
      inboundFixture("human-reply", n.messageId, {
        "maria.nilsson@medborgare.example": sender,
        "CAHuman-reply-0001": id,
      });
    await sendSmtp(reply("first-reply"), sender);
    const row = await lastRow(n.id);
    expect(row.classification).to.equal("human_reply");
    expect(row.answerOutboxEntryId).to.be.a("number");
    const event = events.find((e) => e.inboundMailId === row.id);
    expect(event?.classification).to.equal("human_reply");

    // The same mail delivered twice (MTA retry), and a second reply to the same notification.
    await sendSmtp(reply("first-reply"), sender);
    await sendSmtp(reply("second-reply"), sender);
    expect(await InboundMail.count({ where: { outboxEntryId: n.id } })).to.equal(2);
    expect(
      await InboundMail.count({ where: { outboxEntryId: n.id, answerOutboxEntryId: { [Op.ne]: null } } }),
    ).to.equal(1);

    const all = await answers();
    const mine = all.filter((m) => m.envelopeTo.includes(sender));
    expect(mine).to.have.length(1);
    expect(all).to.have.length(1);
    const answer = mine[0];
    expect(answer.parsed.headers.get("auto-submitted")).to.equal("auto-replied");
    expect(answer.parsed.inReplyTo).to.equal("<first-reply@mail.medborgare.example>");
    expect(answer.parsed.subject).to.equal("Ditt svar har inte levererats");
    expect(answer.parsed.text).to.contain("tar inte emot svar");
    const answerEntry = await OutboxEntry.findByPk(row.answerOutboxEntryId!);
    expect(answerEntry!.reference).to.equal(`inbound_mail:${row.id}`);
  });

  it("a reply to our own answer is never answered (no ping-pong)", async () => {
    const n = await sentNotification();
    const sender = uniqueEmail("pingpong");
    await sendSmtp(
      inboundFixture("human-reply", n.messageId, {
        "maria.nilsson@medborgare.example": sender,
        "CAHuman-reply-0001": `pp1-${n.id}`,
      }),
      sender,
    );
    const first = await lastRow(n.id);
    const answerEntry = await OutboxEntry.findByPk(first.answerOutboxEntryId!);
    await sendSmtp(
      inboundFixture("human-reply", answerEntry!.messageId!, {
        "maria.nilsson@medborgare.example": sender,
        "CAHuman-reply-0001": `pp2-${n.id}`,
      }),
      sender,
    );
    const second = await lastRow(answerEntry!.id);
    expect(second.classification).to.equal("human_reply");
    expect(second.answerOutboxEntryId).to.equal(null);
    expect((await answers()).filter((m) => m.envelopeTo.includes(sender))).to.have.length(1);
  });

  it("a sender gets at most 3 answers a day, whatever they reply to", async () => {
    const sender = uniqueEmail("chatty");
    for (let i = 0; i < 4; i++) {
      const n = await sentNotification();
      await sendSmtp(
        inboundFixture("human-reply", n.messageId, {
          "maria.nilsson@medborgare.example": sender,
          "CAHuman-reply-0001": `chatty-${n.id}`,
        }),
        sender,
      );
    }
    expect((await answers()).filter((m) => m.envelopeTo.includes(sender))).to.have.length(3);
  });

  it("no answer to no-reply or system senders, to the null sender, or to mail that matches none of our notifications", async () => {
    const n = await sentNotification();
    const cases: Array<[string, string]> = [
      ["noreply@shop.example", "noreply@shop.example"],
      ["postmaster@shop.example", "postmaster@shop.example"],
      ["someone@kuvert.test", "someone@kuvert.test"],
      ["person@example.org", ""],
    ];
    for (const [from, envelope] of cases) {
      await sendSmtp(
        inboundFixture("human-reply", n.messageId, {
          "maria.nilsson@medborgare.example": from,
          "CAHuman-reply-0001": `sys-${from}-${n.id}`,
        }),
        envelope,
      );
    }
    const stranger = uniqueEmail("stranger");
    await sendSmtp(
      inboundFixture("human-reply", `<${crypto.randomUUID()}@kuvert.test>`, {
        "maria.nilsson@medborgare.example": stranger,
        "CAHuman-reply-0001": `unmatched-${n.id}`,
      }),
      stranger,
    );
    const unmatched = await InboundMail.findOne({
      where: { inboundMessageId: `<unmatched-${n.id}@mail.medborgare.example>` },
    });
    expect(unmatched!.outboxEntryId).to.equal(null);
    expect(unmatched!.classification).to.equal("human_reply");
    const rows = await InboundMail.findAll({ where: { outboxEntryId: n.id } });
    expect(rows).to.have.length(4);
    expect(rows.every((r) => r.answerOutboxEntryId === null)).to.equal(true);
    expect(await answers()).to.have.length(0);
  });

  it("a listener that fails rolls the mail back and the SMTP client gets a temporary 451", async () => {
    const n = await sentNotification();
    const off = onInboundClassified(() => {
      throw new Error("listener broke");
    });
    try {
      let error: (Error & { responseCode?: number }) | undefined;
      await sendSmtp(fresh(inboundFixture("dsn-5.1.1", n.messageId)), "").catch((e: Error) => (error = e));
      expect(error?.responseCode).to.equal(451);
    } finally {
      off();
    }
    expect(await InboundMail.count({ where: { outboxEntryId: n.id } })).to.equal(0);
    await sendSmtp(fresh(inboundFixture("dsn-5.1.1", n.messageId)), "");
    expect((await lastRow(n.id)).classification).to.equal("bounce");
  });

  it("SMTP refuses a message over the size limit with 552", async () => {
    let error: (Error & { responseCode?: number }) | undefined;
    const big = Buffer.concat([
      inboundFixture("human-reply", "<x@kuvert.test>"),
      Buffer.alloc(INBOUND_MAX_BYTES + 1024, "a\r\n"),
    ]);
    await sendSmtp(big, "big@example.org").catch((e: Error) => (error = e));
    expect(error?.responseCode).to.equal(552);
  });

  it("the server starts the listener when INBOUND_SMTP_PORT is set and stops it cleanly", async function () {
    // Starting a server process (tsx) takes close to 30 s on a loaded machine.
    this.timeout(60_000);
    const n = await sentNotification();
    const port = await freePort();
    const server = await startServerProcess({ INBOUND_SMTP_PORT: String(port), WORKER_ENABLED: "false" });
    try {
      await sendSmtp(fresh(inboundFixture("dsn-5.1.1", n.messageId)), "", port);
      expect((await lastRow(n.id)).classification).to.equal("bounce");
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await waitForExit(server.child)).to.equal(0);
  });

  describe("POST /api/inbound/mail", () => {
    it("classifies and records a bounce: 202 {classification}", async () => {
      const n = await sentNotification();
      const res = await postMail(fresh(inboundFixture("dsn-5.1.1", n.messageId)));
      expect(res.status).to.equal(202);
      expect(res.body).to.deep.equal({ classification: "bounce" });
      const row = await lastRow(n.id);
      expect(row.via).to.equal("http");
      expect(row.statusCode).to.equal("5.1.1");
      expect(events.find((e) => e.inboundMailId === row.id)?.finalRecipient).to.equal("nosuchuser@kommun.example");
      expect(await answers()).to.have.length(0);
    });

    it("answers a human reply once, in English when the reply is English", async () => {
      const n = await sentNotification();
      const sender = uniqueEmail("english");
      const raw = () =>
        inboundFixture("human-reply", n.messageId, {
          "maria.nilsson@medborgare.example": sender,
          "SV: Du har fått": "Re: Du har fått",
          "Content-Type: text/plain": "Content-Language: en-GB\nContent-Type: text/plain",
        });
      expect((await postMail(raw())).body).to.deep.equal({ classification: "human_reply" });
      expect((await postMail(raw())).status).to.equal(202);
      const mine = (await answers()).filter((m) => m.envelopeTo.includes(sender));
      expect(mine).to.have.length(1);
      expect(mine[0].parsed.subject).to.equal("Your reply was not delivered");
      expect(mine[0].parsed.headers.get("auto-submitted")).to.equal("auto-replied");
    });

    it("answers no auto-reply posted over HTTP", async () => {
      const n = await sentNotification();
      const res = await postMail(fresh(inboundFixture("gmail-vacation", n.messageId)));
      expect(res.body).to.deep.equal({ classification: "auto_reply" });
      expect(await answers()).to.have.length(0);
    });

    it("401 without the bearer token, with a wrong one, and before any content check", async () => {
      const raw = inboundFixture("human-reply", "<x@kuvert.test>");
      const none = await api.request("POST", "/api/inbound/mail", raw, { "Content-Type": "message/rfc822" });
      expect(none.status).to.equal(401);
      expect(none.body.error).to.equal("authentication_required");
      const wrong = await postMail(raw, { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
      expect(wrong.status).to.equal(401);
      const short = await postMail(raw, { Authorization: "Bearer x" });
      expect(short.status).to.equal(401);
      const wrongAndJson = await postMail("{}", { Authorization: "Bearer nope", "Content-Type": "application/json" });
      expect(wrongAndJson.status).to.equal(401);
    });

    it("415 for a content type other than message/rfc822", async () => {
      const res = await postMail(inboundFixture("human-reply", "<x@kuvert.test>"), { "Content-Type": "text/plain" });
      expect(res.status).to.equal(415);
      expect(res.body.error).to.equal("unsupported_media_type");
    });

    it("413 for a message over 10 MiB", async () => {
      const res = await postMail(Buffer.alloc(INBOUND_MAX_BYTES + 1, "a"));
      expect(res.status).to.equal(413);
      expect(res.body.error).to.equal("payload_too_large");
    });

    it("400 for an empty body", async () => {
      const res = await postMail("");
      expect(res.status).to.equal(400);
    });
  });
});
