import { expect } from "chai";
import { classifyInbound, findPeriod } from "../../../../backend/src/services/inbound/classify.js";
import { inboundFixture } from "../../../support/inbound.js";

const ORIGINAL = "<5b1f0c9e-1d2a-4c1b-9a43-2f7f8e0d1c3a@kuvert.test>";

function plain(headers: string, body = "Hej\n"): Buffer {
  return Buffer.from(
    `From: Person <person@example.org>\nTo: no-reply@kuvert.test\nDate: Sun, 22 Nov 2026 10:00:00 +0000\nMessage-ID: <m1@example.org>\nIn-Reply-To: ${ORIGINAL}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n${headers}\n${body}`,
  );
}

describe("inbound classification (fixtures)", () => {
  it("Exchange out-of-office (Auto-Submitted, X-MS-Exchange headers) is an auto_reply with its period", async () => {
    const c = await classifyInbound(inboundFixture("exchange-auto-reply", ORIGINAL));
    expect(c.classification).to.equal("auto_reply");
    expect(c.reason).to.equal("auto-submitted");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
    expect(c.period).to.contain("20 november").and.contain("4 december");
    expect(c.locale).to.equal("sv");
  });

  it("Swedish 'Frånvaro' with X-Autoreply is an auto_reply", async () => {
    const c = await classifyInbound(inboundFixture("franvaro-subject-only", ORIGINAL));
    expect(c.classification).to.equal("auto_reply");
    expect(c.reason).to.equal("x-autoreply");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
    expect(c.period).to.contain("7 december");
  });

  it("the same 'Frånvaro' mail without any header marker is still an auto_reply, by its subject", async () => {
    const c = await classifyInbound(inboundFixture("franvaro-subject-only", ORIGINAL, { "X-Autoreply: yes\n": "" }));
    expect(c.classification).to.equal("auto_reply");
    expect(c.reason).to.equal("subject");
  });

  it("Gmail vacation reply (auto-replied, Precedence bulk) is an auto_reply", async () => {
    const c = await classifyInbound(inboundFixture("gmail-vacation", ORIGINAL));
    expect(c.classification).to.equal("auto_reply");
    expect(c.bulk).to.equal(true);
    expect(c.period).to.equal("On vacation until December 1");
  });

  it("RFC 3464 DSN 5.1.1 is a bounce: original Message-ID, final recipient, status, envelope id", async () => {
    const c = await classifyInbound(inboundFixture("dsn-5.1.1", ORIGINAL));
    expect(c.classification).to.equal("bounce");
    expect(c.reason).to.equal("dsn");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
    expect(c.finalRecipient).to.equal("nosuchuser@kommun.example");
    expect(c.status).to.equal("5.1.1");
    expect(c.action).to.equal("failed");
    expect(c.envelopeIds).to.deep.equal(["kuvert-envid-0001"]);
    expect(c.nullSender).to.equal(true);
    expect(c.responseAddress).to.equal(null);
  });

  it("a delayed DSN 4.4.7 with the original as message/rfc822 is a bounce with action delayed", async () => {
    const c = await classifyInbound(inboundFixture("dsn-delayed-4.4.7", ORIGINAL));
    expect(c.classification).to.equal("bounce");
    expect(c.action).to.equal("delayed");
    expect(c.status).to.equal("4.4.7");
    expect(c.finalRecipient).to.equal("slow@example.org");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
  });

  it("a non-standard MAILER-DAEMON bounce is a bounce, with the Message-ID quoted in its text", async () => {
    const c = await classifyInbound(inboundFixture("nonstandard-bounce", ORIGINAL));
    expect(c.classification).to.equal("bounce");
    expect(c.finalRecipient).to.equal("gone@example.net");
    expect(c.status).to.equal("5.1.1");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
  });

  it("the same bounce without X-Failed-Recipients is recognised from sender and subject", async () => {
    const c = await classifyInbound(
      inboundFixture("nonstandard-bounce", ORIGINAL, { "X-Failed-Recipients: gone@example.net\n": "" }),
    );
    expect(c.classification).to.equal("bounce");
    expect(c.reason).to.equal("bounce-text");
    expect(c.finalRecipient).to.equal("gone@example.net");
    expect(c.status).to.equal("5.1.1");
  });

  it("a human reply quoting the notification is a human_reply in Swedish", async () => {
    const c = await classifyInbound(inboundFixture("human-reply", ORIGINAL));
    expect(c.classification).to.equal("human_reply");
    expect(c.responseAddress).to.equal("maria.nilsson@medborgare.example");
    expect(c.referencedIds).to.deep.equal([ORIGINAL]);
    expect(c.locale).to.equal("sv");
    expect(c.bulk).to.equal(false);
    expect(c).to.not.have.property("period");
  });

  it("a mailing-list message is automatic (never a human reply)", async () => {
    const c = await classifyInbound(inboundFixture("mailing-list", ORIGINAL));
    expect(c.classification).to.equal("automatic");
    expect(c.reason).to.equal("list");
    expect(c.bulk).to.equal(true);
  });
});

describe("inbound classification (signals)", () => {
  const cases: Array<[string, string, string]> = [
    ["Auto-Submitted: auto-generated", "auto_reply", "auto-submitted"],
    ['Auto-Submitted: auto-replied; owner-email="a@b.c"', "auto_reply", "auto-submitted"],
    ["X-Autorespond: 1", "auto_reply", "x-autorespond"],
    ["Precedence: auto_reply", "auto_reply", "precedence-auto_reply"],
    ["Precedence: junk", "auto_reply", "precedence-junk"],
    ["X-Auto-Response-Suppress: All\nX-MS-Exchange-Organization-SCL: -1", "auto_reply", "x-auto-response-suppress"],
    ["Subject: Out of Office: Re: your message", "auto_reply", "subject"],
    ["Subject: Automatic reply: Secure message", "auto_reply", "subject"],
    ["Subject: Autosvar: Säkert meddelande", "auto_reply", "subject"],
    ["Subject: Abwesenheitsnotiz: Nachricht", "auto_reply", "subject"],
    ["Return-Path: <>", "auto_reply", "null-sender"],
    ["List-Id: <x.lists.example.org>", "automatic", "list"],
    ["Auto-Submitted: no\nSubject: Re: hello", "human_reply", "none"],
    ["X-Autoreply: no\nSubject: Tack", "human_reply", "none"],
  ];
  for (const [headers, classification, reason] of cases) {
    it(`${headers.replace(/\n/g, " / ")} → ${classification}`, async () => {
      const c = await classifyInbound(plain(headers));
      expect(c.classification).to.equal(classification);
      expect(c.reason).to.equal(reason);
    });
  }

  it("Exchange's X-Auto-Response-Suppress alone (no Exchange headers) does not make a reply automatic", async () => {
    const c = await classifyInbound(plain("X-Auto-Response-Suppress: All\nSubject: Re: hej"));
    expect(c.classification).to.equal("human_reply");
  });

  it("a positive DSN (Action: delivered) is automatic, not a bounce", async () => {
    const raw = Buffer.from(
      [
        "From: MAILER-DAEMON@mx.example.org",
        "To: no-reply@kuvert.test",
        "Subject: Successful Mail Delivery Report",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "Delivered.",
        "--b",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.org",
        "",
        "Final-Recipient: rfc822; ok@example.org",
        "Action: delivered",
        "Status: 2.0.0",
        "--b--",
        "",
      ].join("\r\n"),
    );
    const c = await classifyInbound(raw);
    expect(c.classification).to.equal("automatic");
    expect(c.reason).to.equal("dsn-positive");
  });

  it("a read receipt (MDN) is automatic", async () => {
    const raw = Buffer.from(
      'From: a@example.org\r\nTo: no-reply@kuvert.test\r\nSubject: Read: hello\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--b--\r\n',
    );
    expect((await classifyInbound(raw)).classification).to.equal("automatic");
  });

  it("the envelope sender wins over headers: MAIL FROM:<> marks a mail automatic", async () => {
    const c = await classifyInbound(plain("Subject: Re: hello"), { envelopeFrom: "" });
    expect(c.classification).to.equal("auto_reply");
    expect(c.nullSender).to.equal(true);
    expect(c.responseAddress).to.equal(null);
  });

  it("the answer address is the envelope sender (RFC 3834), else Return-Path, else From", async () => {
    expect((await classifyInbound(plain("Subject: Re"), { envelopeFrom: "env@example.org" })).responseAddress).to.equal(
      "env@example.org",
    );
    expect((await classifyInbound(plain("Return-Path: <rp@example.org>\nSubject: Re"))).responseAddress).to.equal(
      "rp@example.org",
    );
    expect((await classifyInbound(plain("Subject: Re"))).responseAddress).to.equal("person@example.org");
  });

  it("an address that could expand into several recipients is never used as the answer address", async () => {
    for (const bad of ["a,victim@example.org", "victim@example.org,other@example.org", '"x y"@example.org', "a@b"]) {
      expect((await classifyInbound(plain("Subject: Re"), { envelopeFrom: bad })).responseAddress, bad).to.equal(null);
    }
    expect(
      (await classifyInbound(plain("Subject: Re"), { envelopeFrom: "Åsa.Öberg+tag@exempel.se" })).responseAddress,
    ).to.equal("åsa.öberg+tag@exempel.se");
  });

  it("X-Failed-Recipients with several addresses makes a bounce for the first", async () => {
    const c = await classifyInbound(
      plain("X-Failed-Recipients: one@example.org, two@example.org\nSubject: Mail delivery failed"),
    );
    expect(c.classification).to.equal("bounce");
    expect(c.finalRecipient).to.equal("one@example.org");
  });

  it("English Content-Language gives an English answer", async () => {
    expect((await classifyInbound(plain("Content-Language: en-GB\nSubject: Re: hi"))).locale).to.equal("en");
  });

  it("References are listed after In-Reply-To, newest first, without duplicates", async () => {
    const c = await classifyInbound(plain(`References: <a@x> <b@y> ${ORIGINAL}\nSubject: Re`));
    expect(c.referencedIds).to.deep.equal([ORIGINAL, "<b@y>", "<a@x>"]);
  });

  it("garbage does not throw and is a human reply without references", async () => {
    const c = await classifyInbound(Buffer.from("\u0000\u0001not a mail at all"));
    expect(c.classification).to.equal("human_reply");
    expect(c.referencedIds).to.deep.equal([]);
  });

  it("an HTML-only out-of-office (Outlook) is an auto_reply and its period is read from the text", async () => {
    const raw = Buffer.from(
      `From: a@example.org\r\nTo: no-reply@kuvert.test\r\nSubject: Automatiskt svar: Meddelande\r\nIn-Reply-To: ${ORIGINAL}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Hej!</p><p>Jag är tillbaka <b>7 december</b>.</p><script>alert(1)</script></body></html>\r\n`,
    );
    const c = await classifyInbound(raw);
    expect(c.classification).to.equal("auto_reply");
    expect(c.reason).to.equal("subject");
    expect(c.period).to.equal("Jag är tillbaka 7 december.");
  });

  it("findPeriod strips control characters and bounds the length", () => {
    const long = `Back on 7 December ${"x".repeat(400)}\u202e`;
    const p = findPeriod("", long)!;
    expect(p.length).to.be.at.most(200);
    expect(p).to.match(/^Back on 7 December/);
    expect(findPeriod("Frånvaro", "no dates here")).to.equal(undefined);
  });
});
