import { expect } from "chai";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";
import { codeLimits } from "../../../backend/src/api/codeLimits.js";
import "../../support/secondFactor.js";

describe("code sending and checking limits", () => {
  const saved = structuredClone(codeLimits);
  afterEach(() => Object.assign(codeLimits, structuredClone(saved)));

  it("SMS sending per account answers 429 with Retry-After and recovers after the window", async () => {
    codeLimits.sendPerUser = { points: 2, durationSeconds: 1 };
    const user = await buildUser();
    const api = await signIn(user);
    useFakeNow();
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    const third = await api.post("/api/account/2fa/sms-code", { purpose: "confirm" });
    expect(third.status).to.equal(429);
    expect(third.body.error).to.equal("rate_limited");
    expect(Number(third.headers.get("retry-after"))).to.equal(1);
    // Another account is not affected.
    const other = await signIn(await buildUser());
    expect((await other.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
    advanceClock(999);
    expect(
      (await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status,
      "still in the window",
    ).to.equal(429);
    advanceClock(1);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "confirm" })).status).to.equal(202);
  });

  it("SMS sending per client IP answers 429 across accounts", async () => {
    codeLimits.sendPerIp = { points: 1, durationSeconds: 60 };
    const first = await signIn(await buildUser());
    const second = await signIn(await buildUser());
    const a = await first.post("/api/account/2fa/sms-code", { purpose: "confirm" });
    const b = await second.post("/api/account/2fa/sms-code", { purpose: "confirm" });
    // The window may already hold this IP's earlier sends: at least the second is refused.
    expect([a.status, b.status]).to.include(429);
    expect(b.status).to.equal(429);
    const reset = await first.post("/api/auth/password-reset", { email: "someone@example.test" });
    expect(reset.status, "password-reset requests share the per-IP SMS bucket").to.equal(429);
  });

  it("code checks per account answer 429 before the code is even looked at", async () => {
    codeLimits.checkPerUser = { points: 3, durationSeconds: 60 };
    const user = await buildUser();
    const api = await signIn(user);
    for (let i = 0; i < 3; i++)
      expect((await api.post("/api/account/backup-codes", { smsCode: "000000" })).status).to.equal(400);
    const limited = await api.post("/api/account/backup-codes", { smsCode: "000000" });
    expect(limited.status).to.equal(429);
  });
});
