// Managing shared mailboxes (issue 11): renaming and deleting them in the admin console, and
// members with the `manage` right adding and removing members from the web app — attacked with
// members without `manage`, a manager of another mailbox, and another organisation's ids.
import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { ApiClient } from "../../support/server.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import { Message } from "../../../backend/src/models/Message.js";
import { User } from "../../../backend/src/models/User.js";
import { SharedMailbox } from "../../../backend/src/models/SharedMailbox.js";
import { SharedMailboxMember } from "../../../backend/src/models/SharedMailboxMember.js";
import { SharedMailboxKey, SharedMailboxKeyWrap } from "../../../backend/src/models/SharedMailboxKey.js";

interface Mailbox {
  id: string;
  name: string;
  email: string;
  keyVersion: number;
  members: Array<{ userId: string; email: string; rights: { send: boolean; manage: boolean } }>;
}

describe("managing shared mailboxes: rename, delete, managers (issue 11)", function () {
  this.timeout(120_000);
  let admin: ApiClient;
  let staffApi: ApiClient;
  let otherAdmin: ApiClient;
  let anonymous: ApiClient;
  let anna: User; // manages A, member of B without manage
  let bertil: User; // member of A without manage
  let cecilia: User; // staff, not a member
  let outsider: User; // another organisation
  let annaApi: ApiClient;
  let bertilApi: ApiClient;
  let outsiderApi: ApiClient;
  let a: Mailbox;
  let b: Mailbox;
  let c: Mailbox;

  async function create(name: string, members: Array<{ userId: string; send?: boolean; manage?: boolean }>) {
    const res = await admin.post<{ mailbox: Mailbox }>("/api/admin/mailboxes", {
      name,
      email: uniqueEmail(name.toLowerCase()),
      members,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.mailbox;
  }

  before(async () => {
    const org = await buildOrganisation();
    admin = await signIn(await buildUser({ organisation: org, role: "admin" }));
    anna = await buildUser({ organisation: org, name: "Anna Andersson" });
    bertil = await buildUser({ organisation: org, name: "Bertil Berg" });
    cecilia = await buildUser({ organisation: org, name: "Cecilia Carlsson" });
    staffApi = await signIn(cecilia);
    annaApi = await signIn(anna);
    bertilApi = await signIn(bertil);
    const otherOrg = await buildOrganisation();
    outsider = await buildUser({ organisation: otherOrg });
    outsiderApi = await signIn(outsider);
    otherAdmin = await signIn(await buildUser({ organisation: otherOrg, role: "admin" }));
    anonymous = await ApiClient.create();
    a = await create("Ekonomi", [
      { userId: anna.id, send: true, manage: true },
      { userId: bertil.id, send: true },
    ]);
    b = await create("Bygglov", [{ userId: anna.id, send: true }]);
    c = await create("Skola", [{ userId: bertil.id, manage: true }]);
  });

  it("a member without manage may neither list, add, change nor remove members (403); nothing changes", async () => {
    const before = await SharedMailboxMember.count({ where: { mailboxId: a.id } });
    const calls: Array<[string, string, unknown]> = [
      ["GET", `/api/mailboxes/${a.id}/members`, undefined],
      ["PUT", `/api/mailboxes/${a.id}/members/${cecilia.id}`, { send: true }],
      ["PUT", `/api/mailboxes/${a.id}/members/${bertil.id}`, { send: true, manage: true }],
      ["DELETE", `/api/mailboxes/${a.id}/members/${anna.id}`, undefined],
    ];
    for (const [method, path, body] of calls) {
      const res = await bertilApi.request(method, path, body);
      expect(res.status, `${method} ${path}`).to.equal(403);
      expect(res.body.error).to.equal("mailbox_right_missing");
    }
    expect(await SharedMailboxMember.count({ where: { mailboxId: a.id } })).to.equal(before);
    expect((await SharedMailboxMember.findOne({ where: { mailboxId: a.id, userId: bertil.id } }))!.canManage).to.equal(
      false,
    );
  });

  it("a manager of mailbox A cannot touch B (member without manage: 403) nor C (not a member: 404); another organisation gets 404", async () => {
    for (const [mailbox, status] of [
      [b, 403],
      [c, 404],
    ] as const) {
      for (const [method, path, body] of [
        ["GET", `/api/mailboxes/${mailbox.id}/members`, undefined],
        ["PUT", `/api/mailboxes/${mailbox.id}/members/${cecilia.id}`, {}],
        ["DELETE", `/api/mailboxes/${mailbox.id}/members/${bertil.id}`, undefined],
      ] as Array<[string, string, unknown]>) {
        expect((await annaApi.request(method, path, body)).status, `${method} ${path}`).to.equal(status);
      }
    }
    // Another organisation's people: as the caller, and as the member to add.
    expect((await outsiderApi.get(`/api/mailboxes/${a.id}/members`)).status).to.equal(404);
    expect((await outsiderApi.put(`/api/mailboxes/${a.id}/members/${outsider.id}`, {})).status).to.equal(404);
    const foreign = await annaApi.put(`/api/mailboxes/${a.id}/members/${outsider.id}`, {});
    expect(foreign.status, foreign.text).to.equal(404);
    expect(await SharedMailboxMember.count({ where: { userId: outsider.id } })).to.equal(0);
    expect(await SharedMailboxMember.count({ where: { mailboxId: c.id } })).to.equal(1);
  });

  it("a manager sees who can be added, adds a colleague (the key is wrapped for them) and removes a member (the key rotates)", async () => {
    const list = await annaApi.get<{ members: unknown[]; candidates: Array<{ id: string }> }>(
      `/api/mailboxes/${a.id}/members`,
    );
    expect(list.status, list.text).to.equal(200);
    const candidates = list.body.candidates.map((p) => p.id);
    expect(candidates).to.include(cecilia.id);
    expect(candidates).to.not.include.members([anna.id, bertil.id, outsider.id, a.id, b.id]);

    const added = await annaApi.put<{ members: Array<{ userId: string }> }>(
      `/api/mailboxes/${a.id}/members/${cecilia.id}`,
      { send: false },
    );
    expect(added.status, added.text).to.equal(200);
    expect(added.body.members.map((m) => m.userId)).to.include(cecilia.id);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: a.id, userId: cecilia.id } })).to.equal(1);

    const removed = await annaApi.delete<{ members: Array<{ userId: string }> }>(
      `/api/mailboxes/${a.id}/members/${bertil.id}`,
    );
    expect(removed.status, removed.text).to.equal(200);
    expect(removed.body.members.map((m) => m.userId)).to.not.include(bertil.id);
    expect((await SharedMailbox.findByPk(a.id))!.keyVersion).to.equal(2);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: a.id, userId: bertil.id } })).to.equal(0);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: a.id, userId: cecilia.id, version: 2 } })).to.equal(
      1,
    );
    expect((await bertilApi.get(`/api/mailboxes/${a.id}/folder/inbox`)).status).to.equal(404);
  });

  it("an admin renames a mailbox: its name and the sender name change, the address stays; bad input 400; others refused", async () => {
    const res = await admin.patch<{ mailbox: Mailbox }>(`/api/admin/mailboxes/${b.id}`, { name: "  Bygglovsenheten " });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.mailbox.name).to.equal("Bygglovsenheten");
    expect(res.body.mailbox.email).to.equal(b.email);
    expect((await User.findByPk(b.id))!.name).to.equal("Bygglovsenheten");
    const mine = await annaApi.get<{ mailboxes: Array<{ id: string; name: string }> }>("/api/mailboxes");
    expect(mine.body.mailboxes.find((m) => m.id === b.id)?.name).to.equal("Bygglovsenheten");
    const event = await AuditEvent.findOne({ where: { type: "mailbox.renamed", userId: b.id } });
    expect(event, "audited").to.not.equal(null);

    for (const body of [{ name: "" }, { name: "   " }, { name: "x".repeat(201) }, { name: "X", email: "a@b.se" }, {}]) {
      expect((await admin.patch(`/api/admin/mailboxes/${b.id}`, body)).status, JSON.stringify(body)).to.equal(400);
    }
    expect((await anonymous.patch(`/api/admin/mailboxes/${b.id}`, { name: "X" })).status).to.equal(401);
    expect((await staffApi.patch(`/api/admin/mailboxes/${b.id}`, { name: "X" })).status).to.equal(403);
    // A manager of the mailbox is not an admin either.
    expect((await bertilApi.patch(`/api/admin/mailboxes/${c.id}`, { name: "X" })).status).to.equal(403);
    const other = await otherAdmin.patch(`/api/admin/mailboxes/${b.id}`, { name: "X" });
    expect(other.status).to.equal(404);
    expect(other.body.error).to.equal("not_found");
    expect((await SharedMailbox.findByPk(b.id))!.name).to.equal("Bygglovsenheten");
  });

  it("deleting a mailbox that holds messages needs withMessages=true; then its messages are shredded for it, the sender keeps theirs, its keys go and the address is free", async () => {
    const mailbox = await create("Arkiv", [{ userId: anna.id, send: true, manage: true }]);
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: mailbox.email }],
      subject: "Till arkivet",
      body: "Innehåll",
    });
    expect(sent.status, sent.text).to.equal(201);

    // Refused: staff, another organisation, anonymous; and without the flag.
    expect((await anonymous.delete(`/api/admin/mailboxes/${mailbox.id}?withMessages=true`)).status).to.equal(401);
    expect((await staffApi.delete(`/api/admin/mailboxes/${mailbox.id}?withMessages=true`)).status).to.equal(403);
    expect((await otherAdmin.delete(`/api/admin/mailboxes/${mailbox.id}?withMessages=true`)).status).to.equal(404);
    expect((await annaApi.delete(`/api/admin/mailboxes/${mailbox.id}?withMessages=true`)).status).to.equal(403);
    expect((await admin.delete(`/api/admin/mailboxes/${mailbox.id}?withMessages=yes`)).status).to.equal(400);
    const full = await admin.delete(`/api/admin/mailboxes/${mailbox.id}`);
    expect(full.status, full.text).to.equal(409);
    expect(full.body.error).to.equal("mailbox_not_empty");
    expect(full.body.messages).to.equal(1);
    expect(await SharedMailbox.findByPk(mailbox.id)).to.not.equal(null);

    const gone = await admin.delete<{ deleted: boolean; messages: number }>(
      `/api/admin/mailboxes/${mailbox.id}?withMessages=true`,
    );
    expect(gone.status, gone.text).to.equal(200);
    expect(gone.body).to.deep.equal({ deleted: true, messages: 1 });
    expect(await SharedMailbox.findByPk(mailbox.id)).to.equal(null);
    expect(await User.findByPk(mailbox.id)).to.equal(null);
    expect(await SharedMailboxKey.count({ where: { mailboxId: mailbox.id } })).to.equal(0);
    expect(await SharedMailboxKeyWrap.count({ where: { mailboxId: mailbox.id } })).to.equal(0);
    expect(await SharedMailboxMember.count({ where: { mailboxId: mailbox.id } })).to.equal(0);
    expect(await KeyEnvelope.count({ where: { userId: mailbox.id } })).to.equal(0);
    // The sender keeps their own copy; the former members find nothing.
    expect((await staffApi.get(`/api/messages/${sent.body.id}`)).status).to.equal(200);
    expect(await Message.findByPk(sent.body.id)).to.not.equal(null);
    expect((await annaApi.get(`/api/mailboxes/${mailbox.id}/folder/inbox`)).status).to.equal(404);
    expect((await admin.get(`/api/admin/mailboxes/${mailbox.id}`)).status).to.equal(404);
    const event = await AuditEvent.findOne({ where: { type: "mailbox.deleted" }, order: [["id", "DESC"]] });
    expect(event?.data).to.include({ mailboxId: mailbox.id, messages: 1 });
    // The address can be used again.
    const again = await admin.post("/api/admin/mailboxes", { name: "Arkiv", email: mailbox.email });
    expect(again.status, again.text).to.equal(201);

    // An empty mailbox goes without the flag.
    const empty = await create("Tom", []);
    expect((await admin.delete(`/api/admin/mailboxes/${empty.id}`)).status).to.equal(200);
  });
});
