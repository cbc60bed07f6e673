import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import {
  appCode,
  auditTypes,
  enableTotp,
  generateBackupCodes,
  resetClock,
  shiftClock,
  signInPartial,
  startDelivery,
  type Delivery,
} from "../../support/secondFactor.js";

/**
 * Issue 3's "done when", over the HTTP API only: turn TOTP on, lose it and recover, get locked
 * out, reset by SMS and by one-time code; every step is in the user's audit log.
 */
describe("account journey: TOTP, lost authenticator, lockout, resets", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    resetClock();
    await delivery.close();
  });

  async function lockOut(email: string, password: string) {
    const anon = await ApiClient.create();
    for (let i = 0; i < 3; i++) await anon.post("/api/auth/login", { email, password: "Not-my-password-9" });
    const right = await anon.post("/api/auth/login", { email, password });
    expect(right.status, "locked even with the right password").to.equal(423);
  }

  it("runs end to end", async () => {
    const user = await buildUser();
    let api = await signIn(user);
    const codes = await generateBackupCodes(api, user, delivery);
    const firstSecret = await enableTotp(api, user, delivery);

    // Lost the phone app: recover with an SMS code; TOTP is turned off.
    shiftClock(60_000);
    let partial = await signInPartial(user);
    await partial.post("/api/auth/second-factor/sms");
    const loginCode = await delivery.smsCode(user.mobile!);
    expect((await partial.post("/api/auth/recovery", { method: "sms", code: loginCode })).body.notice).to.equal(
      "turn_on_2fa_again",
    );
    api = partial;
    const secret = await enableTotp(api, user, delivery);
    expect(secret, "a new secret").to.not.equal(firstSecret);

    // Three wrong passwords lock the account; reset by SMS unlocks it.
    await lockOut(user.email, defaultPassword);
    const anon = await ApiClient.create();
    expect((await anon.post("/api/auth/password-reset", { email: user.email })).status).to.equal(202);
    const resetCode = await delivery.smsCode(user.mobile!);
    const password2 = "Second-password-22";
    expect(
      (await anon.post("/api/auth/password-reset/confirm", { email: user.email, code: resetCode, password: password2 }))
        .status,
    ).to.equal(200);
    shiftClock(120_000);
    partial = await signInPartial(user, password2);
    expect(
      (await partial.post("/api/auth/second-factor", { method: "totp", code: appCode(secret) })).status,
      "TOTP still on after a reset",
    ).to.equal(200);

    // Locked again; this time reset with a one-time code (no phone needed).
    await lockOut(user.email, password2);
    const password3 = "Third-password-33";
    expect(
      (await anon.post("/api/auth/password-reset/confirm", { email: user.email, code: codes[9], password: password3 }))
        .status,
    ).to.equal(200);
    shiftClock(180_000);
    const final = await signInPartial(user, password3);
    expect((await final.post("/api/auth/second-factor", { method: "totp", code: appCode(secret) })).status).to.equal(
      200,
    );

    const types = await auditTypes(final);
    expect(types).to.include.members([
      "backup_codes.generated",
      "2fa.totp_enabled",
      "2fa.totp_disabled",
      "login.failed",
      "account.locked",
      "password_reset.requested",
      "account.unlocked",
      "password.reset",
      "backup_code.used",
      "login.succeeded",
    ]);
    expect(types.filter((t) => t === "password.reset")).to.have.length(2);
    const everything = JSON.stringify((await final.get("/api/account/audit?limit=200")).body);
    for (const secretValue of [secret, loginCode, resetCode, codes[9], password2, password3])
      expect(everything).to.not.contain(secretValue);
  });
});
