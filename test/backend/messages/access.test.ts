import crypto from "node:crypto";
import { expect } from "chai";
import { db } from "../../../backend/src/db.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { ApiClient as Client } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface Person {
  id: string;
  email: string;
  status?: string;
}

describe("messages: who may see what (S1, S4, F4 hide recipients)", () => {
  let sender: User;
  let alice: User;
  let bob: User;
  let mallory: User;
  let senderApi: ApiClient;
  let aliceApi: ApiClient;
  let bobApi: ApiClient;
  let malloryApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    sender = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: org });
    bob = await buildUser({ organisation: null });
    mallory = await buildUser({ organisation: org });
    senderApi = await signIn(sender);
    aliceApi = await signIn(alice);
    bobApi = await signIn(bob);
    malloryApi = await signIn(mallory);
  });

  async function send(body: Record<string, unknown>): Promise<string> {
    const res = await senderApi.post<{ id: string }>("/api/messages", body);
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  }

  it("every message endpoint answers 404 to a non-reader, the same as for a missing id", async () => {
    const id = await send({ to: [{ email: alice.email }], subject: "Internt", body: "Bara för Alice" });
    const missing = crypto.randomUUID();
    for (const target of [id, missing]) {
      const get = await malloryApi.get(`/api/messages/${target}`);
      expect(get.status, `GET ${target}`).to.equal(404);
      expect(get.body).to.deep.equal({ error: "not_found", message: "Message not found" });
      const reveal = await malloryApi.post(`/api/messages/${target}/reveal`);
      expect(reveal.status).to.equal(404);
      for (const path of [
        `/api/messages/${target}/thread`,
        `/api/messages/${target}/encrypted`,
        `/api/messages/${target}/attachments/${crypto.randomUUID()}`,
      ]) {
        expect((await malloryApi.get(path)).status, path).to.equal(404);
      }
      for (const path of [`/api/messages/${target}/id-check`, `/api/messages/${target}/id-check/verify`]) {
        expect((await malloryApi.post(path, { code: "123456" })).status, path).to.equal(404);
      }
      const reply = await malloryApi.post("/api/messages", {
        to: [{ email: sender.email }],
        subject: "Re",
        body: "x",
        replyTo: target,
      });
      expect(reply.status).to.equal(404);
    }
    const list = await malloryApi.get<{ items: unknown[] }>("/api/mailbox/inbox");
    expect(list.body.items).to.deep.equal([]);
    expect((await malloryApi.get(`/api/mailbox/${crypto.randomUUID()}`)).status).to.equal(404);
    // Without a session: 401, not the message.
    const anonymous = await Client.create();
    expect((await anonymous.get(`/api/messages/${id}`)).status).to.equal(401);
    // The reader still reads it.
    expect((await aliceApi.get(`/api/messages/${id}`)).status).to.equal(200);
  });

  it("hidden recipients: each recipient sees only the sender and themselves, in every answer", async () => {
    const id = await send({
      to: [{ email: alice.email }, { email: bob.email }],
      subject: "Kallelse",
      body: "Möte på tisdag",
      options: { hideRecipients: true },
    });
    for (const [api, self, other] of [
      [aliceApi, alice, bob],
      [bobApi, bob, alice],
    ] as const) {
      const read = await api.get<{ recipients: Person[]; sender: Person }>(`/api/messages/${id}`);
      expect(read.status).to.equal(200);
      expect(read.body.sender.email).to.equal(sender.email);
      expect(read.body.recipients.map((r) => r.email)).to.deep.equal([self.email]);
      expect(read.body.recipients[0]).to.not.have.property("status");
      const revealed = await api.post(`/api/messages/${id}/reveal`);
      const list = await api.get("/api/mailbox/inbox");
      const thread = await api.get(`/api/messages/${id}/thread`);
      const encrypted = await api.get(`/api/messages/${id}/encrypted`);
      expect(thread.status).to.equal(200);
      expect(encrypted.status).to.equal(200);
      for (const res of [read, revealed, list, thread, encrypted]) {
        expect(res.text).to.not.contain(other.email);
        expect(res.text).to.not.contain(other.id);
      }
    }
    const asSender = await senderApi.get<{ recipients: Person[] }>(`/api/messages/${id}`);
    expect(asSender.body.recipients.map((r) => r.email).sort()).to.deep.equal([alice.email, bob.email].sort());
    expect(asSender.body.recipients.every((r) => r.status === "read")).to.equal(true);
    const sent = await senderApi.get<{ items: Array<{ id: string; recipients: Person[] }> }>("/api/mailbox/sent");
    expect(sent.body.items.find((i) => i.id === id)!.recipients).to.have.length(2);
  });

  it("visible recipients see each other but not each other's delivery status", async () => {
    const id = await send({ to: [{ email: alice.email }, { email: bob.email }], subject: "Till båda", body: "Hej" });
    const read = await aliceApi.get<{ recipients: Person[] }>(`/api/messages/${id}`);
    expect(read.body.recipients.map((r) => r.email).sort()).to.deep.equal([alice.email, bob.email].sort());
    expect(read.body.recipients.some((r) => "status" in r)).to.equal(false);
  });

  it("the database holds no plaintext subject, body or HTML (S1, S2)", async () => {
    const marker = crypto.randomBytes(8).toString("hex");
    const subject = `Ämne-${marker}-subject`;
    const text = `Brödtext-${marker}-text`;
    const html = `<p>Html-${marker}-html</p>`;
    const id = await send({ to: [{ email: alice.email }], subject, body: { text, html } });
    expect((await aliceApi.get<{ subject: string }>(`/api/messages/${id}`)).body.subject).to.equal(subject);

    const qi = db().getQueryInterface();
    const tables = (await qi.showAllTables()).map((t) =>
      typeof t === "string" ? t : (t as { tableName: string }).tableName,
    );
    expect(tables).to.include("messages");
    let scanned = 0;
    for (const table of tables) {
      const [rows] = await db().query(`SELECT * FROM ${qi.quoteIdentifier(table)}`);
      const dump = JSON.stringify(rows);
      scanned += (rows as unknown[]).length;
      expect(dump, `table ${table}`).to.not.contain(marker);
    }
    expect(scanned).to.be.greaterThan(10);
  });

  it("HTML is sanitised on the way out (S5)", async () => {
    const id = await send({
      to: [{ email: alice.email }],
      subject: "Html",
      body: {
        html: '<p style="x">Hej <b>du</b><img src="https://e.test/x.png" onerror="alert(1)"><iframe src="https://e.test"></iframe><a href="https://e.test">länk</a></p><script>alert(2)</script>',
      },
    });
    const read = await aliceApi.get<{ html: string }>(`/api/messages/${id}`);
    expect(read.body.html).to.contain("<b>du</b>");
    expect(read.body.html).to.contain('rel="noopener noreferrer nofollow"');
    expect(read.body.html).to.not.match(/<script|onerror|<iframe|style=|e.test\/x.png/i);
  });
});
