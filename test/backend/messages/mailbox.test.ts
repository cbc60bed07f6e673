import crypto from "node:crypto";
import { expect } from "chai";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface Item {
  id: string;
  subject: string | null;
  unread: boolean;
  folder: string | null;
}
interface Listing {
  total: number;
  unread: Record<string, number>;
  items: Item[];
}

describe("mailbox: folders, moving, marking and the dialog history (F10, F11)", () => {
  let staff: User;
  let alice: User;
  let bob: User;
  let staffApi: ApiClient;
  let aliceApi: ApiClient;
  let bobApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org, name: "Handläggare" });
    alice = await buildUser({ organisation: null, name: "Alice" });
    bob = await buildUser({ organisation: null, name: "Bob" });
    staffApi = await signIn(staff);
    aliceApi = await signIn(alice);
    bobApi = await signIn(bob);
  });

  async function send(api: ApiClient, body: Record<string, unknown>): Promise<{ id: string; threadId: string }> {
    const res = await api.post<{ id: string; threadId: string }>("/api/messages", body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  it("own folders: create, move many at once, unread counts, mark, rename, delete", async () => {
    const a = await send(staffApi, { to: [{ email: alice.email }], subject: "Ett", body: "1" });
    const b = await send(staffApi, { to: [{ email: alice.email }], subject: "Två", body: "2" });
    const inbox = await aliceApi.get<Listing>("/api/mailbox/inbox");
    expect(inbox.body.unread.inbox).to.be.at.least(2);
    expect(inbox.body.items.slice(0, 2).map((i) => i.subject)).to.deep.equal(["Två", "Ett"]);

    const created = await aliceApi.post<{ id: string; name: string }>("/api/folders", { name: "  Ärenden  " });
    expect(created.status).to.equal(201);
    expect(created.body.name).to.equal("Ärenden");
    expect((await aliceApi.post("/api/folders", { name: "ärenden" })).status).to.equal(409);
    const folderId = created.body.id;

    const moved = await aliceApi.post("/api/mailbox/move", { messageIds: [a.id, b.id], folder: folderId });
    expect(moved.body.count).to.equal(2);
    const inFolder = await aliceApi.get<Listing>(`/api/mailbox/${folderId}`);
    expect(inFolder.status).to.equal(200);
    expect(inFolder.body.items.map((i) => i.id).sort()).to.deep.equal([a.id, b.id].sort());
    expect(inFolder.body.unread[folderId]).to.equal(2);
    const folders = await aliceApi.get<{ folders: Array<{ id: string; total: number; unread: number }> }>(
      "/api/folders",
    );
    expect(folders.body.folders.find((f) => f.id === folderId)).to.include({ total: 2, unread: 2 });

    expect((await aliceApi.post("/api/mailbox/mark", { messageIds: [a.id], unread: false })).body.count).to.equal(1);
    expect((await aliceApi.get<Listing>(`/api/mailbox/${folderId}`)).body.unread[folderId]).to.equal(1);
    expect((await aliceApi.post("/api/mailbox/mark", { messageIds: [a.id], unread: true })).body.count).to.equal(1);

    expect((await aliceApi.patch(`/api/folders/${folderId}`, { name: "Arkiv" })).body.name).to.equal("Arkiv");
    const removed = await aliceApi.delete<{ count: number }>(`/api/folders/${folderId}`);
    expect(removed.body.count).to.equal(2);
    const back = await aliceApi.get<Listing>("/api/mailbox/inbox");
    expect(back.body.items.map((i) => i.id)).to.include.members([a.id, b.id]);
    expect((await aliceApi.get(`/api/mailbox/${folderId}`)).status).to.equal(404);
  });

  it("another user's folders and messages cannot be touched (S4)", async () => {
    const msg = await send(staffApi, { to: [{ email: alice.email }], subject: "Privat", body: "x" });
    const folder = await aliceApi.post<{ id: string }>("/api/folders", {
      name: `Alice ${crypto.randomBytes(3).toString("hex")}`,
    });
    const bobFolder = await bobApi.post<{ id: string }>("/api/folders", { name: "Bobs" });
    expect((await bobApi.get(`/api/mailbox/${folder.body.id}`)).status).to.equal(404);
    expect((await bobApi.patch(`/api/folders/${folder.body.id}`, { name: "x" })).status).to.equal(404);
    expect((await bobApi.delete(`/api/folders/${folder.body.id}`)).status).to.equal(404);
    expect((await bobApi.post("/api/mailbox/move", { messageIds: [msg.id], folder: folder.body.id })).status).to.equal(
      404,
    );
    const moveForeign = await bobApi.post("/api/mailbox/move", { messageIds: [msg.id], folder: bobFolder.body.id });
    expect(moveForeign.body.count).to.equal(0);
    expect((await bobApi.post("/api/mailbox/mark", { messageIds: [msg.id], unread: false })).body.count).to.equal(0);
    expect(
      (await aliceApi.post("/api/mailbox/move", { messageIds: [msg.id], folder: bobFolder.body.id })).status,
    ).to.equal(404);
    const listed = await aliceApi.get<Listing>("/api/mailbox/inbox");
    expect(listed.body.items.find((i) => i.id === msg.id)!.unread).to.equal(true);
  });

  it("the thread shows the whole dialog in order, only to its readers", async () => {
    const first = await send(staffApi, {
      to: [{ email: alice.email }, { email: bob.email }],
      subject: "Kallelse",
      body: "Välkomna",
      options: { hideRecipients: true },
    });
    const reply = await send(aliceApi, {
      to: [{ email: staff.email }],
      subject: "Re: Kallelse",
      body: "Tack, jag kommer",
      replyTo: first.id,
    });
    const answer = await send(staffApi, {
      to: [{ email: alice.email }],
      subject: "Re: Kallelse",
      body: "Bra!",
      replyTo: reply.id,
    });
    expect(reply.threadId).to.equal(first.threadId);
    expect(answer.threadId).to.equal(first.threadId);

    const asAlice = await aliceApi.get<{
      threadId: string;
      messages: Array<{ id: string; text: string; sender: { email: string }; recipients: Array<{ email: string }> }>;
    }>(`/api/messages/${answer.id}/thread`);
    expect(asAlice.status, asAlice.text).to.equal(200);
    expect(asAlice.body.messages.map((m) => m.text)).to.deep.equal(["Välkomna", "Tack, jag kommer", "Bra!"]);
    expect(asAlice.text).to.not.contain(bob.email);

    // Bob was only on the first message: he sees that one, not Alice's private dialog.
    const asBob = await bobApi.get<{ messages: Array<{ id: string }> }>(`/api/messages/${first.id}/thread`);
    expect(asBob.body.messages.map((m) => m.id)).to.deep.equal([first.id]);
    expect((await bobApi.get(`/api/messages/${reply.id}/thread`)).status).to.equal(404);
    expect(asBob.text).to.not.contain("Tack, jag kommer");

    const asStaff = await staffApi.get<{ messages: Array<{ id: string }> }>(`/api/messages/${first.id}/thread`);
    expect(asStaff.body.messages.map((m) => m.id)).to.deep.equal([first.id, reply.id, answer.id]);
  });
});
