import { expect } from "chai";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { startDelivery, type Delivery } from "../../support/secondFactor.js";
import type { ApiClient } from "../../support/server.js";
import type { User } from "../../../backend/src/models/User.js";

/**
 * ID check (F4) on a message to a shared mailbox (F25): the mailbox has no phone, so each member
 * proves themselves with their own verified phone, and only their own session then opens it.
 */
describe("shared mailboxes: ID-checked messages (issue 11)", function () {
  this.timeout(120_000);
  let delivery: Delivery;
  let anna: User;
  let bertil: User;
  let annaApi: ApiClient;
  let bertilApi: ApiClient;
  let outsiderApi: ApiClient;
  let mailboxId: string;
  let messageId: string;

  before(async () => {
    delivery = await startDelivery();
    const org = await buildOrganisation();
    const admin = await signIn(await buildUser({ organisation: org, role: "admin" }));
    anna = await buildUser({ organisation: org, name: "Anna Andersson" });
    bertil = await buildUser({ organisation: org, name: "Bertil Berg" });
    annaApi = await signIn(anna);
    bertilApi = await signIn(bertil);
    outsiderApi = await signIn(await buildUser({ organisation: org, name: "Inte medlem" }));
    const address = uniqueEmail("idkontroll");
    const created = await admin.post<{ mailbox: { id: string } }>("/api/admin/mailboxes", {
      name: "Socialtjänsten ID",
      email: address,
      members: [{ userId: anna.id }, { userId: bertil.id }],
    });
    expect(created.status, created.text).to.equal(201);
    mailboxId = created.body.mailbox.id;
    // Another organisation's case worker writes to the function mailbox.
    const sender = await signIn(await buildUser({ organisation: await buildOrganisation(), name: "Handläggare" }));
    const sent = await sender.post<{ id: string }>("/api/messages", {
      to: [{ email: address }],
      subject: "Kontrollerat ärende",
      body: "Personnummer och annat känsligt.",
      options: { idCheck: true },
    });
    expect(sent.status, sent.text).to.equal(201);
    messageId = sent.body.id;
  });

  after(async () => {
    await delivery.close();
  });

  const path = (suffix = "") => `/api/mailboxes/${mailboxId}/messages/${messageId}${suffix}`;

  it("the message stays closed to a member until they pass the check with a code sent to their own phone", async () => {
    const closed = await annaApi.get(path());
    expect(closed.status, closed.text).to.equal(403);
    expect(closed.body.error).to.equal("id_check_required");
    const thread = await annaApi.get<{ messages: Array<{ id: string; text: string | null }> }>(path("/thread"));
    expect(JSON.stringify(thread.body)).to.not.contain("Personnummer");

    const sent = await annaApi.post<{ mobile: string }>(path("/id-check"));
    expect(sent.status, sent.text).to.equal(202);
    expect(sent.body.mobile).to.be.a("string").and.not.equal(anna.mobile);
    const code = await delivery.smsCode(anna.mobile!);

    const wrong = await annaApi.post(path("/id-check/verify"), { code: code === "000000" ? "111111" : "000000" });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.equal("invalid_code");
    expect((await annaApi.get(path())).status).to.equal(403);

    expect((await annaApi.post(path("/id-check/verify"), { code })).status).to.equal(200);
    const open = await annaApi.get<{ text: string }>(path());
    expect(open.status, open.text).to.equal(200);
    expect(open.body.text).to.equal("Personnummer och annat känsligt.");

    // The code is spent: replaying it gives nothing to another member.
    const replay = await bertilApi.post(path("/id-check/verify"), { code });
    expect(replay.status).to.equal(400);
    expect(replay.body.error).to.equal("invalid_code");
  });

  it("another member's pass does not open it for them: they need their own code", async () => {
    expect((await bertilApi.get(path())).body.error).to.equal("id_check_required");
    expect((await bertilApi.post(path("/id-check"))).status).to.equal(202);
    const code = await delivery.smsCode(bertil.mobile!);
    expect((await bertilApi.post(path("/id-check/verify"), { code })).status).to.equal(200);
    expect((await bertilApi.get(path())).status).to.equal(200);
  });

  it("a non-member gets 404 for the check as for the message", async () => {
    for (const res of [
      await outsiderApi.post(path("/id-check")),
      await outsiderApi.post(path("/id-check/verify"), { code: "123456" }),
      await outsiderApi.get(path()),
    ]) {
      expect(res.status, res.text).to.equal(404);
      expect(res.body.error).to.equal("not_found");
    }
    // Through the personal route a member is not the recipient either: 404, not a code.
    expect((await annaApi.post(`/api/messages/${messageId}/id-check`)).status).to.equal(404);
  });
});
