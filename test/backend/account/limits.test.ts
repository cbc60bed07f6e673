import { expect } from "chai";
import { buildOrganisation, buildUser } from "../../support/factories.js";
import { signIn, withEnv } from "../../support/auth.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";
import { ApiClient } from "../../support/server.js";
import "../../support/secondFactor.js";

const QUARTER_MS = 15 * 60 * 1000;

describe("code sending and checking limits", () => {
  it("SMS sending per account answers 429 with Retry-After and recovers after the window", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    useFakeNow();
    await withEnv({ RATE_LIMIT_SMS_SEND_USER_POINTS: 2 }, async () => {
      expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
      expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
      const third = await api.post("/api/account/2fa/sms-code", { purpose: "confirm" });
      expect(third.status).to.equal(429);
      expect(third.body.error).to.equal("rate_limited");
      expect(Number(third.headers.get("retry-after"))).to.equal(15 * 60);
      // Another account is not affected.
      const other = await signIn(await buildUser());
      expect((await other.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
      advanceClock(QUARTER_MS - 1);
      expect(
        (await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status,
        "still in the window",
      ).to.equal(429);
      advanceClock(1);
      expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    });
  });

  it("signed-in SMS sends count per user and organisation, not per IP; anonymous resets keep the per-IP limit", async () => {
    // A day ahead: earlier suites' password resets from 127.0.0.1 lie in windows that have passed.
    useFakeNow(new Date(Date.now() + 24 * 60 * 60 * 1000));
    await withEnv({ RATE_LIMIT_SMS_SEND_IP_POINTS: 1, RATE_LIMIT_SMS_SEND_ORG_POINTS: 3 }, async () => {
      const org = await buildOrganisation();
      const staff = await Promise.all([1, 2, 3, 4].map(() => buildUser({ organisation: org })));
      const apis = [];
      for (const u of staff) apis.push(await signIn(u));
      // Same client IP, three colleagues: the per-IP limit of 1 does not apply to them.
      for (const api of apis.slice(0, 3))
        expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
      // The organisation's window (3) is used up: the fourth colleague waits.
      const fourth = await apis[3].post("/api/account/2fa/sms-code", { purpose: "confirm" });
      expect(fourth.status).to.equal(429);
      expect(Number(fourth.headers.get("retry-after"))).to.be.greaterThan(0);
      // Someone of another organisation is not affected.
      const outsider = await signIn(await buildUser());
      expect((await outsider.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);

      const anonymous = await ApiClient.create();
      const first = await anonymous.post("/api/auth/password-reset", { email: "someone@example.test" });
      expect(first.status).to.be.below(300);
      const second = await anonymous.post("/api/auth/password-reset", { email: "someone-else@example.test" });
      expect(second.status, "password-reset requests count per IP").to.equal(429);
    });
  });

  it("code checks per account answer 429 before the code is even looked at", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    await withEnv({ RATE_LIMIT_CODE_CHECK_USER_POINTS: 3 }, async () => {
      for (let i = 0; i < 3; i++)
        expect((await api.post("/api/account/backup-codes", { smsCode: "000000" })).status).to.equal(400);
      const limited = await api.post("/api/account/backup-codes", { smsCode: "000000" });
      expect(limited.status).to.equal(429);
    });
  });
});
