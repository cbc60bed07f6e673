import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { ApiClient } from "../../support/server.js";
import { transaction } from "../../../backend/src/db.js";
import { registeredRoutes } from "../../../backend/src/api/route.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import { Message } from "../../../backend/src/models/Message.js";
import { User } from "../../../backend/src/models/User.js";
import type { Organisation } from "../../../backend/src/models/Organisation.js";
import { SharedMailboxKey, SharedMailboxKeyWrap } from "../../../backend/src/models/SharedMailboxKey.js";
import { escrowedPrivateKey } from "../../../backend/src/services/keys/userKeys.js";
import { unwrapMailboxKey } from "../../../backend/src/services/keys/mailboxKeys.js";
import {
  MessageDecryptError,
  openContentKey,
  openMessage,
} from "../../../backend/src/services/messages/contentCrypto.js";

interface Rights {
  read: boolean;
  send: boolean;
  manage: boolean;
}
interface AdminMailbox {
  id: string;
  name: string;
  email: string;
  keyVersion: number;
  members: Array<{ userId: string; email: string; rights: Rights }>;
}
interface MyMailbox {
  id: string;
  name: string;
  email: string;
  rights: Rights;
  unread: number;
  notify: boolean;
}
interface Event {
  messageId: string;
  action: "read" | "replied" | "sent";
  member: { id: string; email: string } | null;
}
interface MailboxMessage {
  id: string;
  subject: string;
  text: string | null;
  sender: { id: string; email: string; name: string | null } | null;
  mailboxEvents: Event[];
}

describe("shared mailboxes (issue 11, F25)", function () {
  this.timeout(120_000);
  let org: Organisation;
  let admin: ApiClient;
  let adminUser: User;
  let anna: User;
  let bertil: User;
  let cecilia: User;
  let annaApi: ApiClient;
  let bertilApi: ApiClient;
  let ceciliaApi: ApiClient;
  let outsider: User;
  let outsiderApi: ApiClient;
  let citizen: User;
  let citizenApi: ApiClient;
  let otherAdmin: ApiClient;
  let staffApi: ApiClient;
  let mailbox: AdminMailbox;
  const address = uniqueEmail("socialtjansten");

  before(async () => {
    org = await buildOrganisation();
    adminUser = await buildUser({ organisation: org, role: "admin", name: "Admin" });
    anna = await buildUser({ organisation: org, name: "Anna Andersson" });
    bertil = await buildUser({ organisation: org, name: "Bertil Berg" });
    cecilia = await buildUser({ organisation: org, name: "Cecilia Carlsson" });
    admin = await signIn(adminUser);
    annaApi = await signIn(anna);
    bertilApi = await signIn(bertil);
    ceciliaApi = await signIn(cecilia);
    staffApi = ceciliaApi;
    const otherOrg = await buildOrganisation();
    outsider = await buildUser({ organisation: otherOrg, name: "Extern Handläggare" });
    outsiderApi = await signIn(outsider);
    otherAdmin = await signIn(await buildUser({ organisation: otherOrg, role: "admin" }));
    citizen = await buildUser({ organisation: null, name: "Medborgare" });
    citizenApi = await signIn(citizen);
  });

  async function sendTo(api: ApiClient, to: string, subject: string, replyTo?: string) {
    const res = await api.post<{ id: string; threadId: string }>("/api/messages", {
      to: [{ email: to }],
      subject,
      body: `${subject} body`,
      ...(replyTo ? { replyTo } : {}),
    });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  it("an admin creates a mailbox with members and rights; bad input and taken addresses are refused", async () => {
    const res = await admin.post<{ mailbox: AdminMailbox }>("/api/admin/mailboxes", {
      name: "Socialtjänsten",
      email: address.toUpperCase(),
      members: [
        { userId: anna.id, send: true },
        { userId: bertil.id, send: false },
      ],
    });
    expect(res.status, res.text).to.equal(201);
    mailbox = res.body.mailbox;
    expect(mailbox.email).to.equal(address);
    expect(mailbox.keyVersion).to.equal(1);
    expect(mailbox.members.map((m) => [m.email, m.rights])).to.have.deep.members([
      [anna.email, { read: true, send: true, manage: false }],
      [bertil.email, { read: true, send: false, manage: false }],
    ]);
    expect((await admin.post("/api/admin/mailboxes", { name: "Again", email: address })).body.error).to.equal(
      "mailbox_address_taken",
    );
    expect((await admin.post("/api/admin/mailboxes", { name: "X", email: anna.email })).status).to.equal(409);
    const foreign = await admin.post("/api/admin/mailboxes", {
      name: "X",
      email: uniqueEmail("x"),
      members: [{ userId: outsider.id }],
    });
    expect(foreign.status, foreign.text).to.equal(422);
    expect(foreign.body.error).to.equal("mailbox_member_invalid");
    expect((await admin.post("/api/admin/mailboxes", { name: "", email: "nope" })).status).to.equal(400);
    expect((await admin.post("/api/admin/mailboxes", { name: "X", email: uniqueEmail(), extra: 1 })).status).to.equal(
      400,
    );
    const list = await admin.get<{ mailboxes: AdminMailbox[] }>("/api/admin/mailboxes");
    expect(list.body.mailboxes.map((m) => m.id)).to.deep.equal([mailbox.id]);
    // The mailbox is not a person: the users list does not show it.
    const users = await admin.get<{ users: Array<{ email: string }> }>("/api/admin/users?limit=200");
    expect(users.body.users.map((u) => u.email)).to.not.include(address);
    const audit = await AuditEvent.findOne({ where: { type: "mailbox.created", organisationId: org.id } });
    expect(audit?.actorId).to.equal(adminUser.id);
  });

  it("the mailbox cannot sign in: its address has no password", async () => {
    const anon = await ApiClient.create();
    const res = await anon.post("/api/auth/login", { email: address, password: "Correct7horse-battery" });
    expect(res.status).to.equal(401);
  });

  it("a message to the address reaches the mailbox: key lookup gives the mailbox's key; members see it with unread counts", async () => {
    const lookup = await outsiderApi.post<{ keys: Array<{ email: string; userId: string; kid: string }> }>(
      "/api/keys/lookup",
      { recipients: [{ email: address }] },
    );
    expect(lookup.status, lookup.text).to.equal(200);
    const current = await SharedMailboxKey.findOne({ where: { mailboxId: mailbox.id, version: 1 } });
    expect(lookup.body.keys[0].userId).to.equal(mailbox.id);
    expect(lookup.body.keys[0].kid).to.equal((JSON.parse(current!.publicKey) as { kid: string }).kid);

    const sent = await sendTo(outsiderApi, address, "Ansökan om stöd");
    const mine = await annaApi.get<{ mailboxes: MyMailbox[] }>("/api/mailboxes");
    expect(mine.status).to.equal(200);
    expect(mine.body.mailboxes).to.deep.equal([
      {
        id: mailbox.id,
        name: "Socialtjänsten",
        email: address,
        rights: { read: true, send: true, manage: false },
        unread: 1,
        notify: true,
      },
    ]);
    expect((await ceciliaApi.get<{ mailboxes: MyMailbox[] }>("/api/mailboxes")).body.mailboxes).to.deep.equal([]);
    const inbox = await bertilApi.get<{
      items: Array<{ id: string; subject: string; unread: boolean }>;
      unread: Record<string, number>;
    }>(`/api/mailboxes/${mailbox.id}/folder/inbox`);
    expect(inbox.status, inbox.text).to.equal(200);
    expect(inbox.body.items.map((i) => [i.id, i.subject, i.unread])).to.deep.equal([
      [sent.id, "Ansökan om stöd", true],
    ]);
    expect(inbox.body.unread.inbox).to.equal(1);
    // Nothing reached a person's own inbox.
    const own = await annaApi.get<{ items: unknown[] }>("/api/mailbox/inbox");
    expect(own.body.items).to.deep.equal([]);
  });

  it("two members read, one answers as the mailbox; the dialog history shows who read and who answered", async () => {
    const inbox = await annaApi.get<{ items: Array<{ id: string }> }>(`/api/mailboxes/${mailbox.id}/folder/inbox`);
    const messageId = inbox.body.items[0].id;
    const byAnna = await annaApi.get<MailboxMessage>(`/api/mailboxes/${mailbox.id}/messages/${messageId}`);
    expect(byAnna.status, byAnna.text).to.equal(200);
    expect(byAnna.body.subject).to.equal("Ansökan om stöd");
    expect(byAnna.body.text).to.equal("Ansökan om stöd body");
    const byBertil = await bertilApi.get<MailboxMessage>(`/api/mailboxes/${mailbox.id}/messages/${messageId}`);
    expect(byBertil.status).to.equal(200);
    expect(byBertil.body.mailboxEvents.map((e) => [e.action, e.member?.email])).to.deep.equal([
      ["read", anna.email],
      ["read", bertil.email],
    ]);
    // Read state is the mailbox's: once read by a member it is read for all.
    expect((await annaApi.get<{ mailboxes: MyMailbox[] }>("/api/mailboxes")).body.mailboxes[0].unread).to.equal(0);

    const reply = await bertilApi.post<{ id: string; threadId: string }>(`/api/mailboxes/${mailbox.id}/messages`, {
      to: [{ email: outsider.email }],
      subject: "Sv: Ansökan om stöd",
      body: "Vi har tagit emot din ansökan.",
      replyTo: messageId,
    });
    expect(reply.status, reply.text).to.equal(201);
    const replied = await outsiderApi.get<MailboxMessage>(`/api/messages/${reply.body.id}`);
    expect(replied.status, replied.text).to.equal(200);
    expect(replied.body.sender).to.deep.include({ id: mailbox.id, email: address, name: "Socialtjänsten" });
    expect(replied.body.text).to.equal("Vi har tagit emot din ansökan.");

    const thread = await annaApi.get<{ messages: Array<{ id: string; mailboxEvents: Event[] }> }>(
      `/api/mailboxes/${mailbox.id}/messages/${messageId}/thread`,
    );
    expect(thread.status, thread.text).to.equal(200);
    expect(
      thread.body.messages.map((m) => [m.id, m.mailboxEvents.map((e) => [e.action, e.member?.email])]),
    ).to.deep.equal([
      [
        messageId,
        [
          ["read", anna.email],
          ["read", bertil.email],
        ],
      ],
      [reply.body.id, [["replied", bertil.email]]],
    ]);
    const sentFolder = await annaApi.get<{ items: Array<{ id: string }> }>(`/api/mailboxes/${mailbox.id}/folder/sent`);
    expect(sentFolder.body.items.map((i) => i.id)).to.deep.equal([reply.body.id]);
  });

  it("starting a message as the mailbox needs the send right (403); a citizen's answer reaches the mailbox", async () => {
    const denied = await bertilApi.post(`/api/mailboxes/${mailbox.id}/messages`, {
      to: [{ email: citizen.email }],
      subject: "Ny",
      body: "x",
    });
    expect(denied.status, denied.text).to.equal(403);
    expect(denied.body.error).to.equal("mailbox_right_missing");
    const started = await annaApi.post<{ id: string }>(`/api/mailboxes/${mailbox.id}/messages`, {
      to: [{ email: citizen.email }],
      subject: "Kallelse",
      body: "Välkommen på möte.",
    });
    expect(started.status, started.text).to.equal(201);
    const answer = await sendTo(citizenApi, address, "Sv: Kallelse", started.body.id);
    const read = await bertilApi.get<MailboxMessage>(`/api/mailboxes/${mailbox.id}/messages/${answer.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.sender?.email).to.equal(citizen.email);
    const thread = await bertilApi.get<{ messages: Array<{ id: string; mailboxEvents: Event[] }> }>(
      `/api/mailboxes/${mailbox.id}/messages/${answer.id}/thread`,
    );
    expect(thread.body.messages[0].mailboxEvents.map((e) => [e.action, e.member?.email])).to.deep.equal([
      ["sent", anna.email],
    ]);
  });

  it("non-members get 404 for the mailbox and its messages; a person's own message route does not open it either", async () => {
    const inbox = await annaApi.get<{ items: Array<{ id: string }> }>(`/api/mailboxes/${mailbox.id}/folder/inbox`);
    const messageId = inbox.body.items[0].id;
    for (const api of [ceciliaApi, outsiderApi, admin]) {
      expect((await api.get(`/api/mailboxes/${mailbox.id}/folder/inbox`)).status).to.equal(404);
      expect((await api.get(`/api/mailboxes/${mailbox.id}/messages/${messageId}`)).status).to.equal(404);
      expect(
        (
          await api.post(`/api/mailboxes/${mailbox.id}/messages`, {
            to: [{ email: citizen.email }],
            subject: "x",
            replyTo: messageId,
          })
        ).status,
      ).to.equal(404);
    }
    expect((await annaApi.get(`/api/messages/${messageId}`)).status).to.equal(404);
    expect((await annaApi.get(`/api/mailboxes/${mailbox.id}/members`)).body.error).to.equal("mailbox_right_missing");
    expect((await annaApi.delete(`/api/mailboxes/${mailbox.id}/members/${bertil.id}`)).status).to.equal(403);
    expect((await (await ApiClient.create()).get("/api/mailboxes")).status).to.equal(401);
    expect((await annaApi.get(`/api/mailboxes/not-a-uuid/folder/inbox`)).status).to.equal(400);
  });

  it("admin routes: staff 403, another organisation's admin 404, anonymous 401, nothing changed", async () => {
    const anonymous = await ApiClient.create();
    const calls: Array<[string, string, unknown]> = [
      ["GET", `/api/admin/mailboxes/${mailbox.id}`, undefined],
      ["PUT", `/api/admin/mailboxes/${mailbox.id}/members/${cecilia.id}`, { send: true }],
      ["DELETE", `/api/admin/mailboxes/${mailbox.id}/members/${anna.id}`, undefined],
    ];
    const before = await transaction(async (t) => ({
      wraps: await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id }, transaction: t }),
      keys: await SharedMailboxKey.count({ where: { mailboxId: mailbox.id }, transaction: t }),
    }));
    for (const [method, path, body] of calls) {
      expect((await anonymous.request(method, path, body)).status, path).to.equal(401);
      const staff = await staffApi.request(method, path, body);
      expect(staff.status, path).to.equal(403);
      expect(staff.body.error).to.equal("forbidden");
      const other = await otherAdmin.request(method, path, body);
      expect(other.status, path).to.equal(404);
      expect(other.body.error).to.equal("not_found");
    }
    expect((await otherAdmin.get<{ mailboxes: unknown[] }>("/api/admin/mailboxes")).body.mailboxes).to.deep.equal([]);
    for (const path of ["/api/admin/mailboxes"]) {
      expect((await anonymous.get(path)).status).to.equal(401);
      expect((await staffApi.get(path)).status).to.equal(403);
      expect((await staffApi.post(path, { name: "X", email: uniqueEmail() })).status).to.equal(403);
    }
    // Members of another organisation cannot be added.
    const foreign = await admin.put(`/api/admin/mailboxes/${mailbox.id}/members/${outsider.id}`, {});
    expect(foreign.status).to.equal(404);
    const citizenMember = await admin.put(`/api/admin/mailboxes/${mailbox.id}/members/${citizen.id}`, {});
    expect(citizenMember.status).to.equal(404);
    const after = await transaction(async (t) => ({
      wraps: await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id }, transaction: t }),
      keys: await SharedMailboxKey.count({ where: { mailboxId: mailbox.id }, transaction: t }),
    }));
    expect(after).to.deep.equal(before);
  });

  it("removing a member deletes their wraps and rotates the key: the next message is 404 for them and their old wrap cannot open it", async () => {
    const oldMessageId = (
      await annaApi.get<{ items: Array<{ id: string }> }>(`/api/mailboxes/${mailbox.id}/folder/inbox`)
    ).body.items.at(-1)!.id;
    const oldWrap = await SharedMailboxKeyWrap.findOne({
      where: { mailboxId: mailbox.id, userId: bertil.id, version: 1 },
    });
    expect(oldWrap).to.not.equal(null);
    const publicBefore = (await User.findByPk(mailbox.id))!.publicKey;

    const removed = await admin.delete<{ mailbox: AdminMailbox }>(
      `/api/admin/mailboxes/${mailbox.id}/members/${bertil.id}`,
    );
    expect(removed.status, removed.text).to.equal(200);
    expect(removed.body.mailbox.keyVersion).to.equal(2);
    expect(removed.body.mailbox.members.map((m) => m.email)).to.deep.equal([anna.email]);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id, userId: bertil.id } })).to.equal(0);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id, userId: anna.id } })).to.equal(2);
    expect((await User.findByPk(mailbox.id))!.publicKey).to.not.equal(publicBefore);
    expect(await AuditEvent.count({ where: { type: "mailbox.member_removed", userId: bertil.id } })).to.equal(1);
    expect((await admin.delete(`/api/admin/mailboxes/${mailbox.id}/members/${bertil.id}`)).status).to.equal(404);

    const next = await sendTo(outsiderApi, address, "Efter borttagningen");
    expect((await bertilApi.get(`/api/mailboxes/${mailbox.id}/messages/${next.id}`)).status).to.equal(404);
    expect((await bertilApi.get(`/api/mailboxes/${mailbox.id}/folder/inbox`)).status).to.equal(404);
    expect((await bertilApi.get<{ mailboxes: unknown[] }>("/api/mailboxes")).body.mailboxes).to.deep.equal([]);

    // Cryptographically: Bertil's private key opens his old wrap (version 1), and version 1 opens
    // the old message — but not the key envelope of the message sent after his removal.
    const bertilKey = await transaction(async (t) =>
      escrowedPrivateKey(t, (await User.findByPk(bertil.id, { transaction: t }))!),
    );
    const v1 = await unwrapMailboxKey(mailbox.id, 1, oldWrap!.jwe, bertilKey!);
    expect(v1).to.not.equal(null);
    expect(await unwrapMailboxKey(mailbox.id, 2, oldWrap!.jwe, bertilKey!), "bound to its version").to.equal(null);
    const oldEnvelope = await KeyEnvelope.findOne({ where: { messageId: oldMessageId, userId: mailbox.id } });
    const oldMessage = await Message.findByPk(oldMessageId);
    expect((await openMessage(oldMessage!.content!, oldEnvelope!.jwe, v1!)).subject).to.equal("Ansökan om stöd");
    const newEnvelope = await KeyEnvelope.findOne({ where: { messageId: next.id, userId: mailbox.id } });
    let error: unknown = null;
    try {
      (await openContentKey(newEnvelope!.jwe, v1!)).fill(0);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(MessageDecryptError);

    // The remaining member reads old and new messages.
    expect((await annaApi.get(`/api/mailboxes/${mailbox.id}/messages/${oldMessageId}`)).status).to.equal(200);
    const fresh = await annaApi.get<MailboxMessage>(`/api/mailboxes/${mailbox.id}/messages/${next.id}`);
    expect(fresh.status, fresh.text).to.equal(200);
    expect(fresh.body.subject).to.equal("Efter borttagningen");
  });

  it("adding a member wraps every key version for them (escrow when not zero-access); rights change; manage lets a member manage", async () => {
    const added = await admin.put<{ mailbox: AdminMailbox }>(
      `/api/admin/mailboxes/${mailbox.id}/members/${cecilia.id}`,
      {
        manage: true,
      },
    );
    expect(added.status, added.text).to.equal(200);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id, userId: cecilia.id } })).to.equal(2);
    const inbox = await ceciliaApi.get<{ items: Array<{ subject: string }> }>(
      `/api/mailboxes/${mailbox.id}/folder/inbox`,
    );
    expect(inbox.body.items.map((i) => i.subject)).to.include.members(["Ansökan om stöd", "Efter borttagningen"]);
    const event = await AuditEvent.findOne({ where: { type: "mailbox.member_added", userId: cecilia.id } });
    expect(event?.data).to.deep.include({ keySource: "escrow" });

    const members = await ceciliaApi.get<{ members: Array<{ email: string }> }>(`/api/mailboxes/${mailbox.id}/members`);
    expect(members.status).to.equal(200);
    const readded = await ceciliaApi.put<{ members: Array<{ email: string; rights: Rights }> }>(
      `/api/mailboxes/${mailbox.id}/members/${bertil.id}`,
      { send: true },
    );
    expect(readded.status, readded.text).to.equal(200);
    expect(readded.body.members.find((m) => m.email === bertil.email)?.rights).to.deep.equal({
      read: true,
      send: true,
      manage: false,
    });
    const keySource = await AuditEvent.findOne({ where: { type: "mailbox.member_added", userId: bertil.id } });
    expect(keySource?.data).to.deep.include({ keySource: "member" });
    expect((await ceciliaApi.delete(`/api/mailboxes/${mailbox.id}/members/${bertil.id}`)).status).to.equal(200);
  });

  it("zero-access organisation: no escrow copy; an admin who holds no wrap cannot add (409), a managing member can", async () => {
    const zOrg = await buildOrganisation();
    const zAdminUser = await buildUser({ organisation: zOrg, role: "admin" });
    const zAdmin = await signIn(zAdminUser);
    const keeper = await buildUser({ organisation: zOrg });
    const newcomer = await buildUser({ organisation: zOrg });
    const keeperApi = await signIn(keeper);
    const newcomerApi = await signIn(newcomer);
    const policy = await zAdmin.patch("/api/admin/policies", { zeroAccess: true, confirmZeroAccess: true });
    expect(policy.status, policy.text).to.equal(200);
    const created = await zAdmin.post<{ mailbox: AdminMailbox }>("/api/admin/mailboxes", {
      name: "Nollåtkomst",
      email: uniqueEmail("zero"),
      members: [{ userId: keeper.id, manage: true }],
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.mailbox.id;
    expect((await SharedMailboxKey.findOne({ where: { mailboxId: id } }))!.escrow).to.equal(null);
    const refused = await zAdmin.put(`/api/admin/mailboxes/${id}/members/${newcomer.id}`, {});
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error).to.equal("mailbox_key_unavailable");
    const byKeeper = await keeperApi.put(`/api/mailboxes/${id}/members/${newcomer.id}`, {});
    expect(byKeeper.status, byKeeper.text).to.equal(200);
    const sent = await sendTo(outsiderApi, created.body.mailbox.email, "Hemligt");
    const read = await newcomerApi.get<MailboxMessage>(`/api/mailboxes/${id}/messages/${sent.id}`);
    expect(read.status, read.text).to.equal(200);
    expect(read.body.subject).to.equal("Hemligt");
  });

  it("switching zero-access on drops the mailboxes' escrow copies", async () => {
    expect(
      (await SharedMailboxKey.findAll({ where: { mailboxId: mailbox.id } })).every((k) => k.escrow !== null),
    ).to.equal(true);
    const res = await admin.patch("/api/admin/policies", { zeroAccess: true, confirmZeroAccess: true });
    expect(res.status, res.text).to.equal(200);
    expect(
      (await SharedMailboxKey.findAll({ where: { mailboxId: mailbox.id } })).every((k) => k.escrow === null),
    ).to.equal(true);
  });

  it("OpenAPI lists the mailbox routes", () => {
    const paths = registeredRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(paths).to.include.members([
      "GET /api/admin/mailboxes",
      "POST /api/admin/mailboxes",
      "PUT /api/admin/mailboxes/:id/members/:userId",
      "DELETE /api/admin/mailboxes/:id/members/:userId",
      "GET /api/mailboxes",
      "POST /api/mailboxes/:id/messages",
    ]);
  });
});
