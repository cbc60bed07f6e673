import { expect } from "chai";
import { Message } from "../../../backend/src/models/Message.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import type { User } from "../../../backend/src/models/User.js";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";

describe("messages: burn after reading, expiry and link abuse (F4, S3)", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let staff: User;
  let alice: User;
  let bob: User;
  let staffApi: ApiClient;
  let aliceApi: ApiClient;
  let bobApi: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: null });
    bob = await buildUser({ organisation: null });
    staffApi = await signIn(staff);
    aliceApi = await signIn(alice);
    bobApi = await signIn(bob);
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("burn after reading: opening (GET) shows no body and burns nothing; the last explicit reveal destroys it", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }, { email: bob.email }],
      subject: "Engångs",
      body: "Läs och glöm",
      options: { burnAfterReading: true },
    });
    const id = sent.body.id;
    // A link scanner following the notification link gets nothing and changes nothing.
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(alice.email) && /\/r\//.test(m.parsed.text ?? ""));
    const link = /https?:\/\/kuvert\.test(\/r\/[A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? "")![1];
    const scanner = await ApiClient.create();
    await scanner.get(link);
    await scanner.get(`/api/messages/${id}`);

    const opened = await aliceApi.get<{ text: string; revealRequired: boolean; subject: string }>(
      `/api/messages/${id}`,
    );
    expect(opened.status).to.equal(200);
    expect(opened.body.revealRequired).to.equal(true);
    expect(opened.body.text).to.equal("");
    expect(opened.text).to.not.contain("Läs och glöm");

    const first = await aliceApi.post<{ text: string }>(`/api/messages/${id}/reveal`);
    expect(first.body.text).to.equal("Läs och glöm");
    expect((await Message.findByPk(id))!.state).to.equal("active");
    // The reveal was the last time Alice sees the body.
    const again = await aliceApi.get(`/api/messages/${id}`);
    expect(again.status).to.equal(410);
    expect(again.body.error).to.equal("message_burned");

    const last = await bobApi.post<{ text: string }>(`/api/messages/${id}/reveal`);
    expect(last.status).to.equal(200);
    expect(last.body.text).to.equal("Läs och glöm");
    const gone = await aliceApi.get(`/api/messages/${id}`);
    expect(gone.status).to.equal(410);
    expect(gone.body.error).to.equal("message_burned");
    expect((await Message.findByPk(id))!.content).to.equal(null);
    expect(await KeyEnvelope.count({ where: { messageId: id } })).to.equal(0);
  });

  it("after the expiry date nothing can be read, even before the sweeper runs, nor listed with its subject", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Tidsbegränsat",
      body: "x",
      options: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const id = sent.body.id;
    expect((await aliceApi.get(`/api/messages/${id}`)).status).to.equal(200);
    await Message.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id } });
    for (const api of [aliceApi, staffApi]) {
      const res = await api.get(`/api/messages/${id}`);
      expect(res.status).to.equal(410);
      expect(res.body.error).to.equal("message_expired");
      expect((await api.post(`/api/messages/${id}/reveal`)).status).to.equal(410);
    }
    const list = await aliceApi.get<{ items: Array<{ id: string; subject: string | null }> }>("/api/mailbox/inbox");
    expect(list.text).to.not.contain("Tidsbegränsat");
  });

  it("the SMS code resend is rate-limited per link", async () => {
    const email = uniqueEmail("resend");
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email, mobile: uniqueMobile() }],
      subject: "x",
      body: "x",
    });
    expect(sent.status).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    const token = /\/r\/([A-Za-z0-9_-]{43})/.exec(mail.parsed.text ?? "")![1];
    const visitor = await ApiClient.create();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await visitor.post(`/api/recipient/${token}/start`, { email })).status);
    expect(statuses.slice(0, 5)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(statuses[5]).to.equal(429);
  });

  it("read receipt: the sender is told by e-mail at the first reveal, not when the message is merely opened", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Kvitto",
      body: "x",
      options: { readReceipt: true },
    });
    const id = sent.body.id;
    await aliceApi.get(`/api/messages/${id}`);
    await drain(worker);
    const receipt = (m: { envelopeTo: string[]; parsed: { text?: string } }) =>
      m.envelopeTo.includes(staff.email) && (m.parsed.text ?? "").includes(`/mailbox/sent/${id}`);
    expect(smtp.mails.some(receipt)).to.equal(false);
    await aliceApi.post(`/api/messages/${id}/reveal`);
    await aliceApi.post(`/api/messages/${id}/reveal`);
    await drain(worker);
    await smtp.waitFor(receipt);
    expect(smtp.mails.filter(receipt)).to.have.length(1);
  });

  it("notification off: no e-mail is sent and the recipient shows as queued", async () => {
    const email = uniqueEmail("quiet");
    const sent = await staffApi.post<{ id: string; recipients: Array<{ status: string }> }>("/api/messages", {
      to: [{ email, mobile: uniqueMobile() }],
      subject: "Tyst",
      body: "x",
      options: { notify: false },
    });
    expect(sent.body.recipients[0].status).to.equal("queued");
    await drain(worker);
    expect(smtp.mails.some((m) => m.envelopeTo.includes(email))).to.equal(false);
  });
});
