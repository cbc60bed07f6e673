import { expect } from "chai";
import type { User } from "../../../backend/src/models/User.js";
import { ConfigError, loadEnv } from "../../../backend/src/env.js";
import type { ApiClient } from "../../support/server.js";
import { signIn, withEnv } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";

/**
 * Sending is limited per user and per organisation, never per client IP: every test here
 * signs in from 127.0.0.1, like an office of 50 behind one NAT address (issue 14).
 */
describe("send limits fit offices", () => {
  const send = (api: ApiClient, to: User, n: number) =>
    // No notification e-mails: 180 of them would sit in the outbox that other suites drain.
    api.post("/api/messages", {
      to: [{ email: to.email }],
      subject: `Beslut ${n}`,
      body: "Hej! Se beslutet.",
      options: { notify: false },
    });

  it("60 colleagues behind one address send 180 messages in one minute: none is limited", async function () {
    this.timeout(300_000);
    const org = await buildOrganisation();
    const staff: User[] = [];
    for (let i = 0; i < 60; i++) staff.push(await buildUser({ organisation: org }));
    const apis: ApiClient[] = [];
    for (const u of staff) apis.push(await signIn(u));
    useFakeNow(); // one fixed-window minute for all 180 sends (the removed per-IP limit was 120 a minute)
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < apis.length; i += 10) {
        const batch = apis.slice(i, i + 10).map((api, j) => send(api, staff[(i + j + 1) % staff.length], round));
        for (const res of await Promise.all(batch)) statuses.push(res.status);
      }
    }
    expect(statuses.filter((s) => s !== 201)).to.deep.equal([]);
    expect(statuses).to.have.length(180);
  });

  it("one user's excess is refused with 429 and Retry-After; colleagues go on; the window ends", async () => {
    const org = await buildOrganisation();
    const [a, b] = [await buildUser({ organisation: org }), await buildUser({ organisation: org })];
    const [apiA, apiB] = [await signIn(a), await signIn(b)];
    useFakeNow();
    await withEnv({ RATE_LIMIT_SEND_USER_POINTS: 3 }, async () => {
      for (let i = 0; i < 3; i++) expect((await send(apiA, b, i)).status).to.equal(201);
      const refused = await send(apiA, b, 3);
      expect(refused.status).to.equal(429);
      expect(refused.body.error).to.equal("rate_limited");
      expect(Number(refused.headers.get("retry-after"))).to.equal(60);
      // Another session of the same user counts against the same user.
      expect((await send(await signIn(a), b, 4)).status).to.equal(429);
      // A colleague at the same address is not affected.
      expect((await send(apiB, a, 0)).status).to.equal(201);
      advanceClock(60_000);
      expect((await send(apiA, b, 5)).status).to.equal(201);
    });
  });

  it("the organisation's limit holds across its users; other organisations are not affected", async () => {
    const org = await buildOrganisation();
    const staff = [await buildUser({ organisation: org }), await buildUser({ organisation: org })];
    const outsider = await buildUser({ organisation: await buildOrganisation() });
    const apis = [await signIn(staff[0]), await signIn(staff[1])];
    const outsiderApi = await signIn(outsider);
    useFakeNow();
    await withEnv({ RATE_LIMIT_SEND_ORG_POINTS: 3 }, async () => {
      expect((await send(apis[0], staff[1], 0)).status).to.equal(201);
      expect((await send(apis[1], staff[0], 1)).status).to.equal(201);
      expect((await send(apis[0], staff[1], 2)).status).to.equal(201);
      const refused = await send(apis[1], staff[0], 3);
      expect(refused.status).to.equal(429);
      expect(Number(refused.headers.get("retry-after"))).to.be.within(1, 60);
      expect((await send(outsiderApi, staff[0], 4)).status).to.equal(201);
    });
  });

  it("the limits are read from their variables, with the documented defaults", () => {
    const base = { NODE_ENV: "test", DATABASE_URL: "sqlite::memory:", MASTER_KEY: Buffer.alloc(32).toString("base64") };
    const defaults = loadEnv(base);
    expect(defaults.RATE_LIMIT_SEND_USER_POINTS).to.equal(60);
    expect(defaults.RATE_LIMIT_SEND_ORG_POINTS).to.equal(3000);
    const set = loadEnv({ ...base, RATE_LIMIT_SEND_USER_POINTS: "7", RATE_LIMIT_SEND_ORG_POINTS: "9000" });
    expect([set.RATE_LIMIT_SEND_USER_POINTS, set.RATE_LIMIT_SEND_ORG_POINTS]).to.deep.equal([7, 9000]);
    expect(() => loadEnv({ ...base, RATE_LIMIT_SEND_USER_POINTS: "0" }))
      .to.throw(ConfigError)
      .with.property("message")
      .that.includes("RATE_LIMIT_SEND_USER_POINTS");
  });
});
