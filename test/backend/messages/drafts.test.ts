import crypto from "node:crypto";
import { expect } from "chai";
import { db } from "../../../backend/src/db.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

describe("messages: drafts are saved encrypted (F11)", () => {
  let staff: User;
  let alice: User;
  let staffApi: ApiClient;
  let aliceApi: ApiClient;

  before(async () => {
    const org = await buildOrganisation();
    staff = await buildUser({ organisation: org });
    alice = await buildUser({ organisation: org });
    staffApi = await signIn(staff);
    aliceApi = await signIn(alice);
  });

  it("saves subject, body and recipients as ciphertext; lists and reopens them; sends", async () => {
    const marker = crypto.randomBytes(6).toString("hex");
    const draft = await staffApi.post<{ id: string }>("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    const id = draft.body.id;
    const saved = await staffApi.put(`/api/messages/drafts/${id}`, {
      to: [{ email: alice.email }],
      subject: `Utkast ${marker}`,
      body: `Text ${marker}`,
    });
    expect(saved.status, saved.text).to.equal(204);

    const list = await staffApi.get<{ items: Array<{ id: string; subject: string | null }> }>("/api/mailbox/drafts");
    expect(list.body.items.find((i) => i.id === id)!.subject).to.equal(`Utkast ${marker}`);
    const open = await staffApi.get<{
      subject: string;
      text: string;
      state: string;
      draftTo: Array<{ email: string }>;
    }>(`/api/messages/${id}`);
    expect(open.body).to.include({ subject: `Utkast ${marker}`, text: `Text ${marker}`, state: "draft" });
    expect(open.body.draftTo.map((r) => r.email)).to.deep.equal([alice.email]);

    const [rows] = await db().query("SELECT * FROM messages");
    expect(JSON.stringify(rows)).to.not.contain(marker);
    expect(JSON.stringify(rows)).to.not.contain(alice.email);

    expect((await aliceApi.put(`/api/messages/drafts/${id}`, { subject: "x" })).status).to.equal(404);
    expect((await aliceApi.get(`/api/messages/${id}`)).status).to.equal(404);

    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: `Utkast ${marker}`,
      body: `Text ${marker}`,
      draftId: id,
    });
    expect(sent.status, sent.text).to.equal(201);
    expect((await staffApi.put(`/api/messages/drafts/${id}`, { subject: "late" })).status).to.equal(409);
    const drafts = await staffApi.get<{ items: Array<{ id: string }> }>("/api/mailbox/drafts");
    expect(drafts.body.items.map((i) => i.id)).to.not.include(id);
    expect((await aliceApi.get<{ subject: string }>(`/api/messages/${id}`)).body.subject).to.equal(`Utkast ${marker}`);
  });
});
