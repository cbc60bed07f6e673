import { expect } from "chai";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";

const linkPattern = /http:\/\/kuvert\.test\/r\/([A-Za-z0-9_-]{43})/;

describe("messages: a first-time recipient (F3, F8, F9)", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let sender: User;
  let senderApi: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    sender = await buildUser({ name: "Sara Socialsekreterare" });
    senderApi = await signIn(sender);
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("asks for a mobile number for an unknown recipient (422 mobile_required), once", async () => {
    const email = uniqueEmail("new");
    const missing = await senderApi.post("/api/keys/lookup", { recipients: [{ email }] });
    expect(missing.status).to.equal(422);
    expect(missing.body.error).to.equal("mobile_required");
    const bad = await senderApi.post("/api/keys/lookup", { recipients: [{ email, mobile: "12" }] });
    expect(bad.status).to.equal(422);
    expect(bad.body.error).to.equal("invalid_mobile");

    const mobile = uniqueMobile();
    const found = await senderApi.post<{
      keys: Array<{ email: string; userId: string; kid: string; publicKey: Record<string, string> }>;
    }>("/api/keys/lookup", { recipients: [{ email, mobile }] });
    expect(found.status, found.text).to.equal(200);
    expect(found.body.keys).to.have.length(1);
    expect(found.body.keys[0].publicKey).to.include({ kty: "EC", crv: "P-256" });
    expect(found.body.keys[0].publicKey).to.not.have.property("d");
    // The number is remembered: the sender is not asked again, and the key is the same.
    const again = await senderApi.post<{ keys: Array<{ kid: string }> }>("/api/keys/lookup", {
      recipients: [{ email }],
    });
    expect(again.status).to.equal(200);
    expect(again.body.keys[0].kid).to.equal(found.body.keys[0].kid);
  });

  it("link → e-mail → SMS code → password → the message opens, and the sender sees it read", async () => {
    const email = uniqueEmail("citizen");
    const mobile = uniqueMobile();
    const subject = "Beslut om bistånd 4711";
    const sent = await senderApi.post<{ id: string; recipients: Array<{ email: string; status: string }> }>(
      "/api/messages",
      {
        to: [{ email, mobile }],
        subject,
        body: {
          text: "Hej! Beslutet finns i bilagan.",
          html: '<p onclick="steal()">Hej!<script>alert(1)</script> <a href="javascript:x()">x</a></p>',
        },
        options: { notify: true, idCheck: true },
      },
    );
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body.recipients[0]).to.include({ email, status: "notified" });
    const messageId = sent.body.id;

    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    expect(mail.parsed.subject).to.not.contain("4711");
    expect(mail.parsed.text).to.not.contain("Beslutet");
    expect(mail.parsed.text).to.contain("Sara Socialsekreterare");
    const token = linkPattern.exec(mail.parsed.text ?? "")?.[1];
    expect(token, mail.parsed.text).to.be.a("string");

    const visitor = await ApiClient.create();
    const wrongEmail = await visitor.post(`/api/recipient/${token}/start`, { email: uniqueEmail("other") });
    expect(wrongEmail.status, wrongEmail.text).to.equal(400);
    expect(wrongEmail.body.error).to.equal("email_mismatch");
    expect((await visitor.post(`/api/recipient/${"x".repeat(43)}/start`, { email })).status).to.equal(404);

    const early = await visitor.post(`/api/recipient/${token}/register`, {
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(early.status).to.equal(403);
    expect(early.body.error).to.equal("verification_required");

    const start = await visitor.post(`/api/recipient/${token}/start`, { email: email.toUpperCase() });
    expect(start.status, start.text).to.equal(200);
    expect(start.body.next).to.equal("sms_code");
    await drain(worker);
    const code = await sms.waitForCode(mobile);

    const wrong = await visitor.post(`/api/recipient/${token}/verify`, {
      code: code === "000000" ? "000001" : "000000",
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.equal("invalid_code");

    // Someone else with the link (forwarded e-mail) cannot use this browser's verification.
    const other = await ApiClient.create();
    const ok = await visitor.post(`/api/recipient/${token}/verify`, { code });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.equal({ next: "set_password" });
    const replayed = await visitor.post(`/api/recipient/${token}/verify`, { code });
    expect(replayed.status).to.equal(400);
    const hijack = await other.post(`/api/recipient/${token}/register`, {
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(hijack.status).to.equal(403);

    const noTerms = await visitor.post(`/api/recipient/${token}/register`, {
      password: "Nytt-l0senord-123",
      acceptTerms: false,
    });
    expect(noTerms.status).to.equal(400);
    expect(noTerms.body.error).to.equal("terms_not_accepted");
    const weak = await visitor.post(`/api/recipient/${token}/register`, { password: "abc", acceptTerms: true });
    expect(weak.status).to.equal(422);
    expect(weak.body.error).to.equal("password_too_short");

    const registered = await visitor.post(`/api/recipient/${token}/register`, {
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(registered.status, registered.text).to.equal(200);
    expect(registered.body).to.deep.equal({ next: "done", messageId });

    const inbox = await visitor.get<{
      unread: Record<string, number>;
      items: Array<{ id: string; subject: string | null; unread: boolean }>;
    }>("/api/mailbox/inbox");
    expect(inbox.status, inbox.text).to.equal(200);
    expect(inbox.body.unread.inbox).to.equal(1);
    expect(inbox.body.items.map((i) => [i.id, i.subject, i.unread])).to.deep.equal([[messageId, subject, true]]);

    const read = await visitor.get<{ subject: string; text: string; html: string; sender: { email: string } }>(
      `/api/messages/${messageId}`,
    );
    expect(read.status, read.text).to.equal(200);
    expect(read.body.subject).to.equal(subject);
    expect(read.body.text).to.equal("Hej! Beslutet finns i bilagan.");
    expect(read.body.sender.email).to.equal(sender.email);
    expect(read.body.html).to.contain("Hej!");
    expect(read.body.html).to.not.match(/script|onclick|javascript:/i);

    let status = await senderApi.get<{ recipients: Array<{ email: string; status: string }> }>(
      `/api/messages/${messageId}`,
    );
    expect(status.body.recipients[0]).to.include({ email, status: "opened" });
    const revealed = await visitor.post(`/api/messages/${messageId}/reveal`);
    expect(revealed.status, revealed.text).to.equal(200);
    status = await senderApi.get(`/api/messages/${messageId}`);
    expect(status.body.recipients[0]).to.include({ email, status: "read" });
    const after = await visitor.get<{ unread: Record<string, number> }>("/api/mailbox/inbox");
    expect(after.body.unread.inbox).to.equal(0);

    // The link now leads to sign-in; the new account can sign in with its password.
    const again = await ApiClient.create();
    expect((await again.post(`/api/recipient/${token}/start`, { email })).body).to.deep.equal({ next: "sign_in" });
    const login = await again.post("/api/auth/login", { email, password: "Nytt-l0senord-123" });
    expect(login.body.next).to.equal("done");
    // ID check: the registration's SMS code opened it in that session; a new session needs a new code.
    expect((await again.get(`/api/messages/${messageId}`)).body.error).to.equal("id_check_required");
  });

  it("Notify the sender: a wrong number is reported to the sender by e-mail, once a day", async () => {
    const email = uniqueEmail("wrongnum");
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      to: [{ email, mobile: uniqueMobile() }],
      subject: "Hemligt 99",
      body: "x",
    });
    expect(sent.status).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    const token = linkPattern.exec(mail.parsed.text ?? "")![1];
    const visitor = await ApiClient.create();
    const mismatch = await visitor.post(`/api/recipient/${token}/wrong-number`, { email: uniqueEmail("x") });
    expect(mismatch.status).to.equal(400);
    const ok = await visitor.post(`/api/recipient/${token}/wrong-number`, { email });
    expect(ok.status, ok.text).to.equal(202);
    await drain(worker);
    const notice = await smtp.waitFor(
      (m) => m.envelopeTo.includes(sender.email) && (m.parsed.text ?? "").includes(email),
    );
    expect(notice.parsed.subject).to.match(/sms/i);
    expect(notice.parsed.text).to.not.contain("Hemligt 99");
    expect(notice.parsed.text).to.contain(`/mailbox/sent/${sent.body.id}`);
    expect((await visitor.post(`/api/recipient/${token}/wrong-number`, { email })).status).to.equal(429);

    // The sender corrects the number; the next code goes there. Nobody else can.
    const recipientId = (await senderApi.get<{ recipients: Array<{ id: string }> }>(`/api/messages/${sent.body.id}`))
      .body.recipients[0].id;
    const right = uniqueMobile();
    const other = await buildUser();
    const otherApi = await signIn(other);
    expect(
      (await otherApi.put(`/api/messages/${sent.body.id}/recipients/${recipientId}/mobile`, { mobile: right })).status,
    ).to.equal(404);
    expect(
      (await senderApi.put(`/api/messages/${sent.body.id}/recipients/${recipientId}/mobile`, { mobile: "nope" }))
        .status,
    ).to.equal(422);
    const fixed = await senderApi.put(`/api/messages/${sent.body.id}/recipients/${recipientId}/mobile`, {
      mobile: right,
    });
    expect(fixed.status, fixed.text).to.equal(200);
    expect((await visitor.post(`/api/recipient/${token}/start`, { email })).body.next).to.equal("sms_code");
    await drain(worker);
    expect(await sms.waitForCode(right)).to.match(/^\d{6}$/);
  });

  it("correcting the number voids the code already sent to the wrong one", async () => {
    const email = uniqueEmail("corrected");
    const wrongMobile = uniqueMobile();
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      to: [{ email, mobile: wrongMobile }],
      subject: "s",
      body: "b",
    });
    expect(sent.status, sent.text).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    const token = linkPattern.exec(mail.parsed.text ?? "")![1];
    const visitor = await ApiClient.create();
    expect((await visitor.post(`/api/recipient/${token}/start`, { email })).status).to.equal(200);
    await drain(worker);
    // Whoever holds the wrong number has this code.
    const strayCode = await sms.waitForCode(wrongMobile);

    const recipientId = (await senderApi.get<{ recipients: Array<{ id: string }> }>(`/api/messages/${sent.body.id}`))
      .body.recipients[0].id;
    const fixed = await senderApi.put(`/api/messages/${sent.body.id}/recipients/${recipientId}/mobile`, {
      mobile: uniqueMobile(),
    });
    expect(fixed.status, fixed.text).to.equal(200);

    const stray = await visitor.post(`/api/recipient/${token}/verify`, { code: strayCode });
    expect(stray.status, stray.text).to.equal(400);
    expect(stray.body.error).to.equal("invalid_code");
  });
});
