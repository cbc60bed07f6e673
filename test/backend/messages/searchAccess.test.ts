import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn, withEnv } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { startDelivery, type Delivery } from "../../support/secondFactor.js";

type Page = { items: Array<{ id: string }>; total: number };

/**
 * Issue 13: the blind index must not answer for content the caller could not read — a
 * key-less caller, an ID check not passed in this session, a burn-after-reading message not
 * revealed — and prefix-by-prefix probing is rate-limited.
 */
describe("mailbox search respects the key, the ID check and burn after reading (issue 13)", () => {
  let staff: User;
  let alice: User;
  let bob: User;
  let staffApi: ApiClient;
  let delivery: Delivery;

  before(async () => {
    delivery = await startDelivery();
    staff = await buildUser({ organisation: await buildOrganisation() });
    alice = await buildUser({ organisation: null });
    bob = await buildUser({ organisation: null });
    staffApi = await signIn(staff);
  });
  after(async () => {
    await delivery.close();
  });

  async function send(to: User[], subject: string, body: string, options: Record<string, boolean>): Promise<string> {
    const res = await staffApi.post<{ id: string }>("/api/messages", {
      to: to.map((u) => ({ email: u.email })),
      subject,
      body,
      options,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  }

  async function hits(api: ApiClient, q: string, folder = "inbox"): Promise<string[]> {
    const res = await api.get<Page>(`/api/mailbox/${folder}?q=${encodeURIComponent(q)}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.items.map((i) => i.id);
  }

  it("refuses a search with a key-less API token: no prefix of a personal identity number comes back", async () => {
    const id = await send([alice], "Utredning", "Personnummer 19811218-9876 gäller ärendet.", {});
    const { token } = await transaction((t) => issueApiToken(t, alice, "Key-less client"));
    const api = await ApiClient.create();
    api.bearer = token;
    // The attack: one character at a time, watching which prefix still matches.
    for (const q of ["198", "1981", "19811", "198112"]) {
      const res = await api.get<Page>(`/api/mailbox/inbox?q=${q}`);
      expect(res.status, res.text).to.equal(403);
      expect(res.body).to.deep.include({ error: "keys_locked" });
      expect(res.text).to.not.contain(id);
    }
    // Listing without a query still works for a key-less token (ids and dates, no content).
    expect((await api.get<Page>("/api/mailbox/inbox")).status).to.equal(200);
    // The owner's signed-in session, holding the key, still finds it.
    expect(await hits(await signIn(alice), "19811218")).to.deep.equal([id]);
  });

  it("leaves an ID-checked message out of the matches until this session passed the check", async () => {
    const id = await send([alice], "Journal", "Diagnosen gäller hjärtsvikt.", { idCheck: true });
    const aliceApi = await signIn(alice);
    expect(await hits(aliceApi, "hjärtsv")).to.deep.equal([]);
    expect(await hits(aliceApi, "hjärtsvikt")).to.deep.equal([]);
    // The sender is not asked for the check and finds their own message.
    expect(await hits(staffApi, "hjärtsvikt", "sent")).to.deep.equal([id]);
    // Once this session passed the check it finds the message; another session still does not.
    expect((await aliceApi.post(`/api/messages/${id}/id-check`)).status).to.equal(202);
    const code = await delivery.smsCode(alice.mobile!);
    expect((await aliceApi.post(`/api/messages/${id}/id-check/verify`, { code })).status).to.equal(200);
    expect(await hits(aliceApi, "hjärtsv")).to.deep.equal([id]);
    expect(await hits(await signIn(alice), "hjärtsv")).to.deep.equal([]);
  });

  it("never matches a burn-after-reading message: not before the reveal, and not after it (the body is gone)", async () => {
    const id = await send([alice, bob], "Engångs", "Koden till porten är kvittens.", { burnAfterReading: true });
    const aliceApi = await signIn(alice);
    const bobApi = await signIn(bob);
    expect(await hits(aliceApi, "kvitt")).to.deep.equal([]);
    expect(await hits(bobApi, "kvitt")).to.deep.equal([]);
    expect((await aliceApi.post(`/api/messages/${id}/reveal`)).status).to.equal(200);
    expect(await hits(aliceApi, "kvitt")).to.deep.equal([]);
    expect(await hits(bobApi, "kvitt")).to.deep.equal([]);
  });

  it("rate-limits searches per user with 429 and Retry-After", async () => {
    await withEnv({ RATE_LIMIT_SEARCH_USER_POINTS: 3 }, async () => {
      const carol = await buildUser({ organisation: null });
      const api = await signIn(carol);
      for (let i = 0; i < 3; i++) expect((await api.get(`/api/mailbox/inbox?q=abc${i}`)).status).to.equal(200);
      const limited = await api.get("/api/mailbox/inbox?q=abcd");
      expect(limited.status).to.equal(429);
      expect(limited.body).to.deep.include({ error: "rate_limited" });
      expect(Number(limited.headers.get("retry-after"))).to.be.greaterThan(0);
      // Per user, not per client: a second session of the same user is limited too.
      expect((await (await signIn(carol)).get("/api/mailbox/inbox?q=abce")).status).to.equal(429);
      // Listing without a query is not a search and is not counted.
      expect((await api.get("/api/mailbox/inbox")).status).to.equal(200);
    });
  });
});
