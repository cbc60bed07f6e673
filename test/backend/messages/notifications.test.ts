import { expect } from "chai";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { UserSettings } from "../../../backend/src/models/UserSettings.js";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";

describe("messages: notification e-mails (F8)", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let staff: User;
  let open: User;
  let neutral: User;
  let api: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    const org = await buildOrganisation();
    await Organisation.update({ policy: { subjectInNotifications: true } }, { where: { id: org.id } });
    staff = await buildUser({ organisation: org, name: "Kommunen" });
    open = await buildUser({ organisation: null });
    neutral = await buildUser({ organisation: null });
    await UserSettings.create({ userId: neutral.id, neutralNotifications: true });
    api = await signIn(staff);
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("carries the subject only where the org allows it and the recipient has not chosen neutral notifications", async () => {
    const sent = await api.post("/api/messages", {
      to: [{ email: open.email }, { email: neutral.email }],
      subject: "Möte 3 maj",
      body: "Brödtexten",
    });
    expect(sent.status).to.equal(201);
    await drain(worker);
    const toOpen = await smtp.waitFor((m) => m.envelopeTo.includes(open.email));
    const toNeutral = await smtp.waitFor((m) => m.envelopeTo.includes(neutral.email));
    expect(toOpen.parsed.subject).to.equal("Möte 3 maj");
    expect(toNeutral.parsed.subject).to.not.contain("Möte");
    for (const m of [toOpen, toNeutral]) {
      expect(m.parsed.text).to.not.contain("Brödtexten");
      expect(m.parsed.text).to.match(/\/r\/[A-Za-z0-9_-]{43}/);
      // Each notification is addressed to its recipient only, so hidden recipients stay hidden.
      expect(m.envelopeTo).to.have.length(1);
      expect(m.raw.toString()).to.not.contain(m === toOpen ? neutral.email : open.email);
    }
    // Each recipient has an own link.
    const link = (m: typeof toOpen) => /\/r\/([A-Za-z0-9_-]{43})/.exec(m.parsed.text ?? "")![1];
    expect(link(toOpen)).to.not.equal(link(toNeutral));
  });

  it("a sender name with a line break and a URL reaches the plain-text e-mail as a plain name", async () => {
    const forger = await buildUser();
    const forgerApi = await signIn(forger);
    const evilName =
      "Eva Ek\r\n\r\nYour account is blocked. Log in at https://evil.example/login or www.evil.example now";
    const renamed = await forgerApi.patch("/api/account", { name: evilName });
    expect(renamed.status, renamed.text).to.equal(200);
    const email = uniqueEmail("victim");
    const sent = await forgerApi.post("/api/messages", {
      to: [{ email, mobile: uniqueMobile() }],
      subject: "s",
      body: "b",
    });
    expect(sent.status, sent.text).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
    const text = mail.parsed.text ?? "";
    expect(text).to.contain("Eva Ek");
    expect(text).to.not.contain("evil.example");
    expect(text).to.not.match(/https?:\/\/(?!kuvert\.test\/)/);
    // The name stays on its own line: no line break of the name's own reaches the text.
    const line = text.split("\n").find((l) => l.includes("Eva Ek"))!;
    expect(line).to.match(/Eva Ek.*(har skickat|has sent)/);
  });
});
