import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildUser } from "../../support/factories.js";
import type { ApiClient } from "../../support/server.js";
import { Contact } from "../../../backend/src/models/Contact.js";
import type { User } from "../../../backend/src/models/User.js";

interface ContactBody {
  id: string;
  email: string;
  name: string | null;
  mobile: string | null;
  verified: boolean;
}

describe("contacts API (F13)", () => {
  let owner: User;
  let other: User;
  let api: ApiClient;
  let otherApi: ApiClient;

  before(async () => {
    owner = await buildUser();
    other = await buildUser();
    api = await signIn(owner);
    otherApi = await signIn(other);
  });

  it("adds, lists, searches, changes and removes the caller's own contacts", async () => {
    const created = await api.post<ContactBody>("/api/contacts", {
      email: "Karin.Berg@Example.test",
      name: "Karin Berg",
      mobile: "070-123 45 67",
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({
      email: "karin.berg@example.test",
      name: "Karin Berg",
      mobile: "+46701234567",
      verified: false,
    });
    await api.post("/api/contacts", { email: "olle@example.test" });

    const all = await api.get<{ contacts: ContactBody[] }>("/api/contacts");
    expect(all.body.contacts.map((c) => c.email)).to.deep.equal(["karin.berg@example.test", "olle@example.test"]);
    const found = await api.get<{ contacts: ContactBody[] }>("/api/contacts?q=berg");
    expect(found.body.contacts.map((c) => c.email)).to.deep.equal(["karin.berg@example.test"]);

    const dup = await api.post("/api/contacts", { email: "karin.berg@example.test" });
    expect(dup.status).to.equal(409);
    expect(dup.body.error).to.equal("contact_exists");

    const renamed = await api.patch<ContactBody>(`/api/contacts/${created.body.id}`, { name: "Karin B." });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(renamed.body).to.include({ name: "Karin B.", mobile: "+46701234567" });

    const removed = await api.delete(`/api/contacts/${created.body.id}`);
    expect(removed.status).to.equal(204);
    expect(
      (await api.get<{ contacts: ContactBody[] }>("/api/contacts")).body.contacts.map((c) => c.email),
    ).to.deep.equal(["olle@example.test"]);
  });

  it("a changed mobile number is no longer verified", async () => {
    const created = await api.post<ContactBody>("/api/contacts", {
      email: "verified@example.test",
      mobile: "+46707777777",
    });
    await Contact.update({ verified: true }, { where: { id: created.body.id } });
    const same = await api.patch<ContactBody>(`/api/contacts/${created.body.id}`, {
      name: "V",
      mobile: "+46707777777",
    });
    expect(same.body.verified).to.equal(true);
    const changed = await api.patch<ContactBody>(`/api/contacts/${created.body.id}`, { mobile: "+46708888888" });
    expect(changed.body).to.include({ verified: false, mobile: "+46708888888" });
  });

  it("rejects bad input with 4xx", async () => {
    expect((await api.post("/api/contacts", { email: "not-an-address" })).status).to.equal(400);
    const badMobile = await api.post("/api/contacts", { email: "m@example.test", mobile: "12" });
    expect(badMobile.status).to.equal(422);
    expect(badMobile.body.error).to.equal("invalid_mobile");
    expect((await api.post("/api/contacts", { email: "x@example.test", verified: true })).status).to.equal(400);
    expect((await api.patch("/api/contacts/not-a-uuid", { name: "x" })).status).to.equal(400);
  });

  it("another user's contact ids are 404 and nothing changes (S4)", async () => {
    const mine = await api.post<ContactBody>("/api/contacts", {
      email: "secret@example.test",
      name: "Hemlig",
      mobile: "+46701111111",
    });
    const list = await otherApi.get<{ contacts: ContactBody[] }>("/api/contacts?q=hemlig");
    expect(list.body.contacts).to.deep.equal([]);
    const patch = await otherApi.patch(`/api/contacts/${mine.body.id}`, { name: "Stulen", mobile: "+46709999999" });
    expect(patch.status).to.equal(404);
    expect(patch.body.error).to.equal("not_found");
    const del = await otherApi.delete(`/api/contacts/${mine.body.id}`);
    expect(del.status).to.equal(404);
    const row = await Contact.findByPk(mine.body.id);
    expect(row).to.include({ name: "Hemlig", mobile: "+46701111111", ownerId: owner.id });
  });

  it("requires a session and the CSRF header", async () => {
    const { ApiClient } = await import("../../support/server.js");
    const anon = await ApiClient.create();
    expect((await anon.get("/api/contacts")).status).to.equal(401);
    const noCsrf = await api.post("/api/contacts", { email: "csrf@example.test" }, { "X-CSRF-Token": "wrong" });
    expect(noCsrf.status).to.equal(403);
  });
});
