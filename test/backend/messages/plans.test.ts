import crypto from "node:crypto";
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { createOrganisation } from "../../../backend/src/commands/createOrganisation.js";
import { Message } from "../../../backend/src/models/Message.js";
import { PROFESSIONAL_MONTHLY_MESSAGES } from "../../../backend/src/services/messages/plans.js";
import type { User } from "../../../backend/src/models/User.js";
import type { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";

describe("messages: plan limits (F27) and replies (F10)", () => {
  let staff: User;
  let basic: User;
  let stranger: User;
  let staffApi: ApiClient;
  let basicApi: ApiClient;

  before(async () => {
    staff = await buildUser();
    basic = await buildUser({ organisation: null });
    stranger = await buildUser();
    expect(basic.plan).to.equal("basic");
    staffApi = await signIn(staff);
    basicApi = await signIn(basic);
  });

  it("Basic accounts cannot start a conversation (403 plan_reply_only)", async () => {
    const res = await basicApi.post("/api/messages", { to: [{ email: staff.email }], subject: "Hej", body: "Fråga" });
    expect(res.status).to.equal(403);
    expect(res.body.error).to.equal("plan_reply_only");
    const lookup = await basicApi.post("/api/keys/lookup", {
      recipients: [{ email: uniqueEmail("new"), mobile: uniqueMobile() }],
    });
    expect(lookup.status).to.equal(403);
    expect(lookup.body.error).to.equal("plan_reply_only");
  });

  it("Basic accounts reply to the sender in the same thread, and to no one else", async () => {
    const sent = await staffApi.post<{ id: string; threadId: string }>("/api/messages", {
      to: [{ email: basic.email }],
      subject: "Ärende 12",
      body: "Vi behöver underlag.",
    });
    expect(sent.status).to.equal(201);
    const reply = await basicApi.post<{ id: string; threadId: string }>("/api/messages", {
      to: [{ email: staff.email }],
      subject: "Re: Ärende 12",
      body: "Här kommer underlaget.",
      replyTo: sent.body.id,
    });
    expect(reply.status, reply.text).to.equal(201);
    expect(reply.body.threadId).to.equal(sent.body.threadId);
    const read = await staffApi.get<{ text: string; parentId: string; sender: { email: string } }>(
      `/api/messages/${reply.body.id}`,
    );
    expect(read.body).to.include({ text: "Här kommer underlaget.", parentId: sent.body.id });
    expect(read.body.sender.email).to.equal(basic.email);

    const sideways = await basicApi.post("/api/messages", {
      to: [{ email: stranger.email }],
      subject: "Re",
      body: "x",
      replyTo: sent.body.id,
    });
    expect(sideways.status).to.equal(403);
    expect(sideways.body.error).to.equal("plan_reply_only");
  });

  it(`Professional senders get ${PROFESSIONAL_MONTHLY_MESSAGES} messages a month, then 403 plan_quota_exceeded`, async () => {
    const org = await transaction((t) =>
      createOrganisation(t, { name: `Pro ${crypto.randomBytes(4).toString("hex")}`, plan: "professional" }),
    );
    const pro = await buildUser({ organisation: org });
    const api = await signIn(pro);
    // Earlier sends this month, written directly (the quota counts rows, not how they came).
    const rows = Array.from({ length: PROFESSIONAL_MONTHLY_MESSAGES - 1 }, () => {
      const id = crypto.randomUUID();
      return {
        id,
        threadId: id,
        parentId: null,
        senderId: pro.id,
        organisationId: org.id,
        content: null,
        expiresAt: null,
        state: "shredded" as const,
      };
    });
    for (let i = 0; i < rows.length; i += 250) await Message.bulkCreate(rows.slice(i, i + 250));
    const last = await api.post("/api/messages", { to: [{ email: staff.email }], subject: "Sista", body: "x" });
    expect(last.status, last.text).to.equal(201);
    const over = await api.post("/api/messages", { to: [{ email: staff.email }], subject: "En för mycket", body: "x" });
    expect(over.status).to.equal(403);
    expect(over.body.error).to.equal("plan_quota_exceeded");
    // Organisation-plan users (the default org plan) have no monthly cap.
    const org2 = await staffApi.post("/api/messages", { to: [{ email: stranger.email }], subject: "ok", body: "x" });
    expect(org2.status).to.equal(201);
  });

  it("rejects bad input with 4xx, never 500", async () => {
    const cases: Array<[unknown, number]> = [
      [{ to: [], subject: "x", body: "x" }, 400],
      [{ to: [{ email: "not-an-email" }], subject: "x", body: "x" }, 400],
      [{ to: [{ email: staff.email }], subject: "x", body: "x", options: { burn: true } }, 400],
      [{ to: [{ email: staff.email }], subject: "x", body: "x", options: { expiresAt: "2001-01-01T00:00:00Z" } }, 422],
      [{ to: [{ email: staff.email }], subject: "x", body: 5 }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await staffApi.post("/api/messages", body);
      expect(res.status, JSON.stringify(body) + res.text).to.equal(status);
    }
    const self = await staffApi.post("/api/messages", { to: [{ email: staff.email }], subject: "x", body: "x" });
    expect(self.status).to.equal(422);
    expect(self.body.error).to.equal("no_recipients");
  });
});
