import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import type { User } from "../../../backend/src/models/User.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { ApiClient } from "../../support/server.js";

async function bearer(user: User): Promise<ApiClient> {
  const api = await ApiClient.create();
  api.bearer = await transaction(async (t) => (await issueApiToken(t, user, "add-in test")).token);
  return api;
}

describe("GET /api/addin/notification", () => {
  let sender: User;
  let reader: User;
  let messageId: string;
  let draftId: string;

  before(async () => {
    sender = await buildUser({ name: "Sara Sändare" });
    reader = await buildUser();
    const api = await signIn(sender);
    const sent = await api.post<{ id: string }>("/api/messages", {
      to: [{ email: reader.email }],
      subject: "Personnummer 19121212-1212",
      body: "hemligt innehåll",
    });
    expect(sent.status, sent.text).to.equal(201);
    messageId = sent.body.id;
    const draft = await api.post<{ id: string }>("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    draftId = draft.body.id;
  });

  it("gives the sender the neutral subject and body with the link, in Swedish and English", async () => {
    const api = await bearer(sender);
    const sv = await api.get<{ subject: string; html: string; link: string }>(
      `/api/addin/notification?messageId=${messageId}&locale=sv`,
    );
    expect(sv.status, sv.text).to.equal(200);
    expect(sv.body.subject).to.equal("Du har fått ett säkert meddelande");
    expect(sv.body.link).to.equal(`http://kuvert.test/mailbox/inbox/${messageId}`);
    expect(sv.body.html).to.contain(`href="${sv.body.link}"`);
    expect(sv.body.html).to.contain("Sara Sändare");
    for (const secret of ["19121212", "hemligt", "Personnummer"]) expect(sv.text).not.to.contain(secret);
    const en = await api.get<{ subject: string; html: string }>(
      `/api/addin/notification?messageId=${messageId}&locale=en`,
    );
    expect(en.body.subject).to.equal("You have received a secure message");
    expect(en.body.html).to.contain("Read the message");
  });

  it("404 for a recipient, another user, a draft and an unknown id; 401 without sign-in; 400 for bad input", async () => {
    for (const user of [reader, await buildUser()]) {
      const res = await (await bearer(user)).get(`/api/addin/notification?messageId=${messageId}`);
      expect(res.status).to.equal(404);
      expect(res.body.error).to.equal("not_found");
    }
    const own = await bearer(sender);
    expect((await own.get(`/api/addin/notification?messageId=${draftId}`)).status).to.equal(404);
    expect((await own.get(`/api/addin/notification?messageId=${crypto.randomUUID()}`)).status).to.equal(404);
    expect((await own.get(`/api/addin/notification?messageId=nope`)).status).to.equal(400);
    expect((await own.get(`/api/addin/notification?messageId=${messageId}&locale=de`)).status).to.equal(400);
    const anonymous = await ApiClient.create();
    const res = await anonymous.get(`/api/addin/notification?messageId=${messageId}`);
    expect(res.status).to.equal(401);
    expect(res.body.error).to.equal("authentication_required");
  });
});

describe("GET /api/addin/settings", () => {
  it("gives the organisation's defaults and forced functions (built-in defaults otherwise); 401 without sign-in", async () => {
    const plain = await buildUser();
    const res = await (
      await bearer(plain)
    ).get<{ options: { defaults: Record<string, boolean>; forced: string[]; defaultExpiryDays: number | null } }>(
      "/api/addin/settings",
    );
    expect(res.status, res.text).to.equal(200);
    expect(res.body.options).to.deep.equal({
      defaults: {
        idCheck: false,
        burnAfterReading: false,
        eyesOnly: false,
        readReceipt: false,
        notify: true,
        hideRecipients: false,
      },
      forced: [],
      defaultExpiryDays: null,
    });

    const org = await buildOrganisation();
    await org.update({
      policy: {
        ...org.policy,
        messages: { defaults: { idCheck: true, notify: false }, forced: ["readReceipt"], defaultExpiryDays: 30 },
      },
    });
    const member = await buildUser({ organisation: org });
    const withPolicy = await (
      await bearer(member)
    ).get<{ options: { defaults: Record<string, boolean>; forced: string[]; defaultExpiryDays: number | null } }>(
      "/api/addin/settings",
    );
    expect(withPolicy.body.options).to.deep.equal({
      defaults: {
        idCheck: true,
        burnAfterReading: false,
        eyesOnly: false,
        readReceipt: true,
        notify: false,
        hideRecipients: false,
      },
      forced: ["readReceipt"],
      defaultExpiryDays: 30,
    });
    expect((await (await ApiClient.create()).get("/api/addin/settings")).status).to.equal(401);
  });
});
