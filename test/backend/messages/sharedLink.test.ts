import { expect } from "chai";
import { Op } from "sequelize";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import type { User } from "../../../backend/src/models/User.js";
import { Message } from "../../../backend/src/models/Message.js";
import { MessageRecipient } from "../../../backend/src/models/MessageRecipient.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { hashLinkToken } from "../../../backend/src/services/messages/linkTokens.js";
import { ApiClient } from "../../support/server.js";
import { signIn, withEnv } from "../../support/auth.js";
import { buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";

const sharedPattern = /^http:\/\/kuvert\.test\/m\/([A-Za-z0-9_-]{43})$/;

interface Sent {
  id: string;
  recipients: Array<{ email: string; status: string }>;
  notification?: { subject: string; html: string; link: string };
}

describe("messages: the Outlook item is the notification; its shared link (issue 12)", () => {
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

  async function sendShared(to: Array<{ email: string; mobile?: string }>, locale: "sv" | "en" = "sv") {
    const sent = await senderApi.post<Sent>("/api/messages", {
      to,
      subject: "Beslut 4711",
      body: "Hemligt innehåll",
      options: { notify: true },
      paneSendsNotification: true,
      notificationLocale: locale,
    });
    expect(sent.status, sent.text).to.equal(201);
    const token = sharedPattern.exec(sent.body.notification?.link ?? "")?.[1];
    expect(token, sent.text).to.be.a("string");
    return { sent: sent.body, token: token! };
  }

  async function firstTimeIn(visitor: ApiClient, token: string, email: string, mobile: string) {
    const start = await visitor.post(`/api/shared/${token}/start`, { email: email.toUpperCase() });
    expect(start.status, start.text).to.equal(200);
    expect(start.body.next).to.equal("sms_code");
    await drain(worker);
    const code = await sms.waitForCode(mobile);
    const ok = await visitor.post(`/api/shared/${token}/verify`, { email, code });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.equal({ next: "set_password" });
    return code;
  }

  it("with the pane-sends flag the backend e-mails no recipient; the notification carries one shared link, stored hashed", async () => {
    const a = uniqueEmail("shared-a");
    const known = await buildUser();
    const { sent, token } = await sendShared([{ email: a, mobile: uniqueMobile() }, { email: known.email }], "en");
    expect(sent.recipients.map((r) => r.status)).to.deep.equal(["notified", "notified"]);
    expect(sent.notification!.subject).to.equal("You have received a secure message");
    expect(sent.notification!.html).to.contain(`/m/${token}`);
    expect(sent.notification!.html).to.not.contain("4711");
    await drain(worker);
    expect(smtp.mails.filter((m) => m.envelopeTo.includes(a) || m.envelopeTo.includes(known.email))).to.deep.equal([]);
    const rows = await MessageRecipient.findAll({ where: { messageId: sent.id } });
    const queued = await OutboxEntry.count({
      where: { reference: { [Op.in]: rows.map((r) => `message_recipient:${r.id}`) } },
    });
    expect(queued, "nothing in the outbox for the recipients").to.equal(0);
    const message = await Message.findByPk(sent.id);
    expect(message!.sharedTokenHash).to.equal(hashLinkToken(token));
    expect(message!.sharedTokenHash).to.not.contain(token);

    // Without the flag (today's behaviour): no shared link, and the backend notifies.
    const plain = await senderApi.post<Sent>("/api/messages", {
      to: [{ email: known.email }],
      subject: "x",
      body: "y",
    });
    expect(plain.status).to.equal(201);
    expect(plain.body.notification).to.equal(undefined);
    await drain(worker);
    await smtp.waitFor((m) => m.envelopeTo.includes(known.email));
  });

  it("lets each recipient in after e-mail + SMS code + password; refuses a non-recipient, a wrong code, a replayed code", async () => {
    const a = { email: uniqueEmail("shared-a"), mobile: uniqueMobile() };
    const b = { email: uniqueEmail("shared-b"), mobile: uniqueMobile() };
    const known = await buildUser();
    const { sent, token } = await sendShared([a, b, { email: known.email }]);

    const stranger = await ApiClient.create();
    for (const step of ["start", "wrong-number"]) {
      const r = await stranger.post(`/api/shared/${token}/${step}`, { email: uniqueEmail("outsider") });
      expect(r.status, r.text).to.equal(400);
      expect(r.body.error).to.equal("email_mismatch");
    }
    const senderTry = await stranger.post(`/api/shared/${token}/start`, { email: sender.email });
    expect(senderTry.body.error, "the sender is not a recipient").to.equal("email_mismatch");
    const outsiderCode = await stranger.post(`/api/shared/${token}/verify`, {
      email: uniqueEmail("x"),
      code: "123456",
    });
    expect(outsiderCode.body.error).to.equal("email_mismatch");
    expect((await stranger.post(`/api/shared/${"x".repeat(43)}/start`, { email: a.email })).status).to.equal(404);
    expect((await stranger.post(`/api/shared/short/start`, { email: a.email })).status).to.equal(404);

    // A's visitor: a wrong code first, then the right one; the right code replayed is refused.
    const visitorA = await ApiClient.create();
    const start = await visitorA.post(`/api/shared/${token}/start`, { email: a.email });
    expect(start.body.next).to.equal("sms_code");
    await drain(worker);
    const codeA = await sms.waitForCode(a.mobile);
    const wrong = await visitorA.post(`/api/shared/${token}/verify`, {
      email: a.email,
      code: codeA === "000000" ? "000001" : "000000",
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.equal("invalid_code");
    // A's code does not let B in.
    const crossed = await stranger.post(`/api/shared/${token}/verify`, { email: b.email, code: codeA });
    expect(crossed.status).to.equal(400);
    expect(crossed.body.error).to.equal("invalid_code");
    const ok = await visitorA.post(`/api/shared/${token}/verify`, { email: a.email, code: codeA });
    expect(ok.status, ok.text).to.equal(200);
    const replayed = await visitorA.post(`/api/shared/${token}/verify`, { email: a.email, code: codeA });
    expect(replayed.status).to.equal(400);
    expect(replayed.body.error).to.equal("invalid_code");
    // The browser that entered the code chooses the password; another one cannot.
    const hijack = await stranger.post(`/api/shared/${token}/register`, {
      email: a.email,
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(hijack.status).to.equal(403);
    const registered = await visitorA.post(`/api/shared/${token}/register`, {
      email: a.email,
      password: "Nytt-l0senord-123",
      acceptTerms: true,
    });
    expect(registered.status, registered.text).to.equal(200);
    expect(registered.body).to.deep.equal({ next: "done", messageId: sent.id });
    const readA = await visitorA.get<{ subject: string; text: string }>(`/api/messages/${sent.id}`);
    expect(readA.status, readA.text).to.equal(200);
    expect(readA.body.subject).to.equal("Beslut 4711");

    // B, through the same link, in another browser.
    const visitorB = await ApiClient.create();
    await firstTimeIn(visitorB, token, b.email, b.mobile);
    const regB = await visitorB.post(`/api/shared/${token}/register`, {
      email: b.email,
      password: "Annat-l0senord-456",
      acceptTerms: true,
    });
    expect(regB.status, regB.text).to.equal(200);
    expect((await visitorB.get(`/api/messages/${sent.id}`)).status).to.equal(200);

    // An account holder is sent to sign in (then the usual password and second factor).
    const visitorK = await ApiClient.create();
    const k = await visitorK.post(`/api/shared/${token}/start`, { email: known.email });
    expect(k.body).to.deep.equal({ next: "sign_in" });
    // A now has an account too.
    expect((await visitorK.post(`/api/shared/${token}/start`, { email: a.email })).body).to.deep.equal({
      next: "sign_in",
    });
  });

  it("GET /api/addin/shared/:token (read pane): the message id for its sender and recipients only", async () => {
    const known = await buildUser();
    const outsider = await buildUser();
    const { sent, token } = await sendShared([{ email: known.email }]);
    expect((await senderApi.get(`/api/addin/shared/${token}`)).body).to.deep.equal({ messageId: sent.id });
    expect((await (await signIn(known)).get(`/api/addin/shared/${token}`)).body).to.deep.equal({
      messageId: sent.id,
    });
    const other = await (await signIn(outsider)).get(`/api/addin/shared/${token}`);
    expect(other.status).to.equal(404);
    expect((await senderApi.get(`/api/addin/shared/${"x".repeat(43)}`)).status).to.equal(404);
    expect((await senderApi.get(`/api/addin/shared/bad`)).status).to.equal(404);
    expect((await (await ApiClient.create()).get(`/api/addin/shared/${token}`)).status).to.equal(401);
  });

  it("is rate-limited per shared link (RATE_LIMIT_SHARED_LINK_POINTS), whatever addresses are tried", async () => {
    const a = { email: uniqueEmail("shared-rl"), mobile: uniqueMobile() };
    const { token } = await sendShared([a]);
    const visitor = await ApiClient.create();
    await withEnv({ RATE_LIMIT_SHARED_LINK_POINTS: 3 }, async () => {
      for (let i = 0; i < 3; i++) {
        const r = await visitor.post(`/api/shared/${token}/start`, { email: uniqueEmail(`guess${i}`) });
        expect(r.status).to.equal(400);
      }
      const limited = await visitor.post(`/api/shared/${token}/start`, { email: a.email });
      expect(limited.status).to.equal(429);
      expect(limited.body.error).to.equal("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).to.be.greaterThan(0);
    });
  });
});
