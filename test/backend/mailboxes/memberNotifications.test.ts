// Members are e-mailed a neutral notice when a secure message arrives in their shared mailbox
// (issue 11), through the outbox, unless they turned it off; attacked with non-members, another
// organisation and bad input.
import { expect } from "chai";
import { Op } from "sequelize";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { openPayload, type EmailPayload } from "../../../backend/src/outbox/enqueue.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";

/** The mailbox notices queued after `afterId`, by recipient address. */
async function notices(afterId: number): Promise<Map<string, EmailPayload>> {
  const rows = await OutboxEntry.findAll({ where: { id: { [Op.gt]: afterId }, channel: "email" } });
  const out = new Map<string, EmailPayload>();
  for (const row of rows) {
    const p = openPayload(row.payload!) as EmailPayload;
    if (p.template === "mailbox-message") out.set(p.to, p);
  }
  return out;
}

async function lastOutboxId(): Promise<number> {
  return ((await OutboxEntry.max("id")) as number | null) ?? 0;
}

describe("shared mailboxes: members' e-mail notice of new messages (issue 11)", function () {
  this.timeout(60_000);
  let anna: User;
  let bertil: User;
  let annaApi: ApiClient;
  let bertilApi: ApiClient;
  let sender: ApiClient;
  let mailbox: { id: string; email: string };

  before(async () => {
    const org = await buildOrganisation();
    const admin = await signIn(await buildUser({ organisation: org, role: "admin" }));
    anna = await buildUser({ organisation: org, name: "Anna" });
    await anna.update({ locale: "en" });
    bertil = await buildUser({ organisation: org, name: "Bertil" });
    annaApi = await signIn(anna);
    bertilApi = await signIn(bertil);
    sender = await signIn(await buildUser({ name: "Medborgare Mattsson" }));
    const res = await admin.post<{ mailbox: { id: string; email: string } }>("/api/admin/mailboxes", {
      name: "Socialtjänsten",
      email: uniqueEmail("social"),
      members: [{ userId: anna.id, send: true }, { userId: bertil.id }],
    });
    expect(res.status, res.text).to.equal(201);
    mailbox = res.body.mailbox;
  });

  async function sendToMailbox(subject: string) {
    const res = await sender.post("/api/messages", {
      to: [{ email: mailbox.email }],
      subject,
      body: `${subject} – hemlig text`,
    });
    expect(res.status, res.text).to.equal(201);
  }

  it("every member is notified by default, in their language, without sender, subject or content", async () => {
    const mine = await annaApi.get<{ mailboxes: Array<{ id: string; notify: boolean }> }>("/api/mailboxes");
    expect(mine.body.mailboxes.find((m) => m.id === mailbox.id)?.notify).to.equal(true);
    const before = await lastOutboxId();
    await sendToMailbox("Orosanmälan 4711");
    const got = await notices(before);
    expect([...got.keys()]).to.have.members([anna.email, bertil.email]);
    expect(got.get(anna.email)!.subject).to.equal("New secure message in Socialtjänsten");
    expect(got.get(bertil.email)!.subject).to.equal("Nytt säkert meddelande i Socialtjänsten");
    for (const p of got.values()) {
      const all = `${p.subject}\n${p.text}\n${p.html}`;
      expect(all).to.contain(`/shared/${mailbox.id}/inbox`);
      for (const secret of ["Orosanmälan", "4711", "hemlig", "Mattsson"]) expect(all).to.not.contain(secret);
    }
  });

  it("a member who turns it off is not notified; the others still are; turning it on again works", async () => {
    const off = await annaApi.put<{ notify: boolean }>(`/api/mailboxes/${mailbox.id}/notifications`, { notify: false });
    expect(off.status, off.text).to.equal(200);
    expect(off.body.notify).to.equal(false);
    let before = await lastOutboxId();
    await sendToMailbox("Andra");
    expect([...(await notices(before)).keys()]).to.deep.equal([bertil.email]);

    expect((await annaApi.put(`/api/mailboxes/${mailbox.id}/notifications`, { notify: true })).status).to.equal(200);
    before = await lastOutboxId();
    await sendToMailbox("Tredje");
    expect([...(await notices(before)).keys()]).to.have.members([anna.email, bertil.email]);
  });

  it("a message the mailbox sends notifies no member (the mailbox is not a recipient)", async () => {
    const before = await lastOutboxId();
    const res = await annaApi.post(`/api/mailboxes/${mailbox.id}/messages`, {
      to: [{ email: uniqueEmail("extern"), mobile: "+46701234567" }],
      subject: "Svar",
      body: "x",
    });
    expect(res.status, res.text).to.equal(201);
    expect((await notices(before)).size).to.equal(0);
  });

  it("non-members, another organisation and bad input are refused; nothing changes", async () => {
    const outsider = await signIn(await buildUser({ organisation: await buildOrganisation() }));
    const staff = await signIn(await buildUser({ organisation: null }));
    for (const api of [outsider, staff]) {
      const res = await api.put(`/api/mailboxes/${mailbox.id}/notifications`, { notify: false });
      expect(res.status, res.text).to.equal(404);
    }
    for (const body of [{}, { notify: "no" }, { notify: false, extra: 1 }]) {
      expect((await bertilApi.put(`/api/mailboxes/${mailbox.id}/notifications`, body)).status).to.equal(400);
    }
    expect((await bertilApi.put(`/api/mailboxes/not-a-uuid/notifications`, { notify: false })).status).to.equal(400);
    const mine = await bertilApi.get<{ mailboxes: Array<{ id: string; notify: boolean }> }>("/api/mailboxes");
    expect(mine.body.mailboxes.find((m) => m.id === mailbox.id)?.notify).to.equal(true);
  });
});
