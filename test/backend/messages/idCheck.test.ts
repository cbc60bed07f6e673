import { expect } from "chai";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";

describe("messages: ID check, an SMS code per opening session (F4)", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let staff: User;
  let alice: User;
  let mallory: User;
  let staffApi: ApiClient;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: null });
    mallory = await buildUser({ organisation: org });
    staffApi = await signIn(staff);
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("locks the content until this session has entered the code", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Journalanteckning",
      body: "Känsligt",
      options: { idCheck: true },
    });
    expect(sent.status).to.equal(201);
    const id = sent.body.id;
    const aliceApi = await signIn(alice);

    const locked = await aliceApi.get(`/api/messages/${id}`);
    expect(locked.status).to.equal(403);
    expect(locked.body.error).to.equal("id_check_required");
    expect((await aliceApi.post(`/api/messages/${id}/reveal`)).status).to.equal(403);
    const list = await aliceApi.get<{ items: Array<{ id: string; subject: string | null }> }>("/api/mailbox/inbox");
    expect(list.body.items.find((i) => i.id === id)!.subject).to.equal(null);
    expect(list.text).to.not.contain("Journalanteckning");
    const thread = await aliceApi.get<{
      messages: Array<{ available: boolean; idCheckRequired: boolean; text: string }>;
    }>(`/api/messages/${id}/thread`);
    expect(thread.body.messages[0]).to.include({ available: false, idCheckRequired: true });
    expect(thread.text).to.not.contain("Känsligt");

    // The sender is not asked; a non-reader cannot even ask for a code.
    expect((await staffApi.get(`/api/messages/${id}`)).status).to.equal(200);
    const malloryApi = await signIn(mallory);
    expect((await malloryApi.post(`/api/messages/${id}/id-check`)).status).to.equal(404);
    expect((await malloryApi.post(`/api/messages/${id}/id-check/verify`, { code: "123456" })).status).to.equal(404);

    const requested = await aliceApi.post<{ mobile: string }>(`/api/messages/${id}/id-check`);
    expect(requested.status, requested.text).to.equal(202);
    expect(requested.body.mobile).to.match(/^\+46•••••\d\d$/);
    await drain(worker);
    const code = await sms.waitForCode(alice.mobile!);
    const wrong = await aliceApi.post(`/api/messages/${id}/id-check/verify`, {
      code: code === "111111" ? "222222" : "111111",
    });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.equal("invalid_code");
    const ok = await aliceApi.post(`/api/messages/${id}/id-check/verify`, { code });
    expect(ok.status, ok.text).to.equal(200);
    expect((await aliceApi.post(`/api/messages/${id}/id-check/verify`, { code })).status).to.equal(400);

    const read = await aliceApi.get<{ text: string }>(`/api/messages/${id}`);
    expect(read.status).to.equal(200);
    expect(read.body.text).to.equal("Känsligt");

    // A new session must pass again.
    const later = await signIn(alice);
    expect((await later.get(`/api/messages/${id}`)).body.error).to.equal("id_check_required");
  });

  it("a message without ID check answers 409 to a code request", async () => {
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Vanligt",
      body: "x",
    });
    const aliceApi = await signIn(alice);
    const res = await aliceApi.post(`/api/messages/${sent.body.id}/id-check`);
    expect(res.status).to.equal(409);
    expect(res.body.error).to.equal("id_check_not_required");
  });

  it("sends the code of a registered reader to their own verified primary phone, not the sender's number", async () => {
    const bob = await buildUser({ organisation: null });
    // The sender's contact holds a stale number, and the compose input gives yet another one.
    const staleContact = uniqueMobile();
    const staleInput = uniqueMobile();
    const contact = await staffApi.post("/api/contacts", { email: bob.email, name: "Bob", mobile: staleContact });
    expect(contact.status, contact.text).to.equal(201);
    const viaContact = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: bob.email }],
      subject: "Kontakt",
      body: "x",
      options: { idCheck: true },
    });
    const viaInput = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: bob.email, mobile: staleInput }],
      subject: "Inmatning",
      body: "y",
      options: { idCheck: true },
    });
    expect(viaContact.status, viaContact.text).to.equal(201);
    expect(viaInput.status, viaInput.text).to.equal(201);
    const bobApi = await signIn(bob);
    for (const id of [viaContact.body.id, viaInput.body.id]) {
      const requested = await bobApi.post<{ mobile: string }>(`/api/messages/${id}/id-check`);
      expect(requested.status, requested.text).to.equal(202);
      expect(requested.body.mobile).to.equal(`+46•••••${bob.mobile!.slice(-2)}`);
      await drain(worker);
      const code = await sms.waitForCode(bob.mobile!);
      expect((await bobApi.post(`/api/messages/${id}/id-check/verify`, { code })).status).to.equal(200);
    }
    expect(sms.messages.filter((m) => m.to === staleContact || m.to === staleInput)).to.deep.equal([]);
  });
});
