import { expect } from "chai";
import speakeasy from "speakeasy";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import {
  appCode,
  auditTypes,
  enableTotp,
  resetClock,
  shiftClock,
  signInPartial,
  startDelivery,
  type Delivery,
} from "../../support/secondFactor.js";

describe("TOTP two-factor (HTTP API)", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    resetClock();
    await delivery.close();
  });
  afterEach(() => resetClock());

  it("turns on with an SMS code, a QR code and a first app code, then guards sign-in; a replayed code is refused", async () => {
    const user = await buildUser();
    const api = await signIn(user);

    const noSms = await api.post("/api/account/2fa/totp/start", { smsCode: "000000" });
    expect(noSms.status).to.equal(400);
    expect(noSms.body.error).to.equal("invalid_code");

    expect((await api.post("/api/account/2fa/sms-code", { purpose: "totp_enable" })).status).to.equal(202);
    const smsCode = await delivery.smsCode(user.mobile!);
    const start = await api.post<{ secret: string; otpauthUri: string; qrSvg: string; qrDataUrl: string }>(
      "/api/account/2fa/totp/start",
      { smsCode },
    );
    expect(start.status, start.text).to.equal(200);
    expect(start.headers.get("cache-control")).to.equal("no-store");
    expect(start.body.secret).to.match(/^[A-Z2-7]{32}$/);
    expect(start.body.otpauthUri)
      .to.match(/^otpauth:\/\/totp\//)
      .and.contain(`secret=${start.body.secret}`);
    expect(start.body.qrSvg).to.contain("<svg");
    expect(start.body.qrDataUrl).to.match(/^data:image\/png;base64,/);
    // The SMS code was used up.
    expect((await api.post("/api/account/2fa/totp/start", { smsCode })).status).to.equal(400);

    // Not active before the first app code: sign-in still needs only the password.
    expect((await signIn(user)).cookies.has("kuvert_session")).to.equal(true);
    const status = await api.get<{ enabled: boolean; totp: { enrolmentPending: boolean } }>("/api/account/2fa");
    expect(status.body.enabled).to.equal(false);
    expect(status.body.totp.enrolmentPending).to.equal(true);

    const secret = start.body.secret;
    expect(
      (await api.post("/api/account/2fa/totp/confirm", { code: appCode(secret) === "123456" ? "654321" : "123456" }))
        .status,
    ).to.equal(400);
    const firstCode = speakeasy.totp({ secret, encoding: "base32" });
    const confirm = await api.post("/api/account/2fa/totp/confirm", { code: firstCode });
    expect(confirm.status, confirm.text).to.equal(200);
    expect((await api.get<{ enabled: boolean }>("/api/account/2fa")).body.enabled).to.equal(true);

    // Sign-in now asks for the second factor.
    const partial = await signInPartial(user);
    expect((await partial.get("/api/account")).status, "a partial session reaches nothing else").to.equal(401);
    // The code that confirmed enrolment is the same time step: refused as a replay.
    const replay = await partial.post("/api/auth/second-factor", { method: "totp", code: firstCode });
    expect(replay.status).to.equal(400);
    expect(replay.body.error).to.equal("invalid_code");

    // Next time step (fake clock): a fresh code works once.
    shiftClock(30_000);
    const next = appCode(secret);
    const ok = await partial.post("/api/auth/second-factor", { method: "totp", code: next });
    expect(ok.status, ok.text).to.equal(200);
    expect((await partial.get("/api/account")).status).to.equal(200);

    const other = await signInPartial(user);
    const again = await other.post("/api/auth/second-factor", { method: "totp", code: next });
    expect(again.status, "the same code is never accepted twice").to.equal(400);

    const types = await auditTypes(api);
    expect(types).to.include.members(["2fa.totp_enrolment_started", "2fa.totp_enabled"]);
    const mail = await delivery.mailTo(user.email, /Säkerhetsändring/);
    expect(mail.text).to.contain("Tvåstegsverifiering med autentiseringsapp har slagits på");
    expect(mail.text).to.not.contain(secret);
  });

  it("accepts ±1 step of drift and refuses ±2 at sign-in (fake clock)", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const secret = await enableTotp(api, user, delivery);
    let minutes = 1;
    const attempt = async (driftSteps: number) => {
      // A new base time each try, well past the last accepted step.
      shiftClock(minutes++ * 5 * 60_000);
      const partial = await signInPartial(user);
      return partial.post("/api/auth/second-factor", { method: "totp", code: appCode(secret, driftSteps * 30) });
    };
    expect((await attempt(-1)).status, "one step slow").to.equal(200);
    expect((await attempt(1)).status, "one step fast").to.equal(200);
    const slow = await attempt(-2);
    expect(slow.status, "two steps slow").to.equal(400);
    const fast = await attempt(2);
    expect(fast.status, "two steps fast").to.equal(400);
  });

  it("an SMS code is a second factor too (TOTP stays on); another user's code is refused", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    await enableTotp(await signIn(alice), alice, delivery);
    await enableTotp(await signIn(bob), bob, delivery);
    const bobPartial = await signInPartial(bob);
    expect((await bobPartial.post("/api/auth/second-factor/sms")).status).to.equal(202);
    const bobCode = await delivery.smsCode(bob.mobile!);
    const alicePartial = await signInPartial(alice);
    const methods = (
      await ApiClient.create().then((c) => c.post("/api/auth/login", { email: alice.email, password: defaultPassword }))
    ).body.methods;
    expect(methods).to.deep.equal(["totp", "sms"]);
    expect((await alicePartial.post("/api/auth/second-factor/sms")).status).to.equal(202);
    const aliceCode = await delivery.smsCode(alice.mobile!);
    if (bobCode !== aliceCode)
      expect((await alicePartial.post("/api/auth/second-factor", { method: "sms", code: bobCode })).status).to.equal(
        400,
      );
    const ok = await alicePartial.post("/api/auth/second-factor", { method: "sms", code: aliceCode });
    expect(ok.status, ok.text).to.equal(200);
    expect((await alicePartial.get<{ enabled: boolean }>("/api/account/2fa")).body.enabled).to.equal(true);
    expect((await bobPartial.post("/api/auth/second-factor", { method: "sms", code: bobCode })).status).to.equal(200);
  });

  it("turning TOTP off needs a second factor", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const secret = await enableTotp(api, user, delivery);
    const noCode = await api.post("/api/account/2fa/totp/disable", { method: "totp", code: "000000" });
    expect(noCode.status).to.equal(400);
    const missing = await api.post("/api/account/2fa/totp/disable", {});
    expect(missing.status).to.equal(400);
    expect(missing.body.error).to.equal("validation_error");
    // An SMS code for another purpose does not confirm.
    await api.post("/api/account/2fa/sms-code", { purpose: "backup_codes" });
    const wrongPurpose = await delivery.smsCode(user.mobile!);
    expect((await api.post("/api/account/2fa/totp/disable", { method: "sms", code: wrongPurpose })).status).to.equal(
      400,
    );

    shiftClock(60_000);
    const off = await api.post("/api/account/2fa/totp/disable", { method: "totp", code: appCode(secret) });
    expect(off.status, off.text).to.equal(200);
    expect((await api.get<{ enabled: boolean }>("/api/account/2fa")).body.enabled).to.equal(false);
    const login = await ApiClient.create();
    const res = await login.post("/api/auth/login", { email: user.email, password: defaultPassword });
    expect(res.body.next).to.equal("done");
    expect(await auditTypes(api)).to.include("2fa.totp_disabled");
  });

  it("a second authenticator is refused with 409 totp_already_enabled before the SMS code is checked", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    await enableTotp(api, user, delivery);
    const again = await api.post("/api/account/2fa/totp/start", { smsCode: "000000" });
    expect([again.status, again.body.error]).to.deep.equal([409, "totp_already_enabled"]);
  });

  it("needs a signed-in full session and CSRF", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const anon = await ApiClient.create();
    expect((await anon.post("/api/account/2fa/sms-code", { purpose: "totp_enable" })).status).to.equal(401);
    const noCsrf = await api.post(
      "/api/account/2fa/sms-code",
      { purpose: "totp_enable" },
      { "X-CSRF-Token": "forged" },
    );
    expect(noCsrf.status).to.equal(403);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "anything" })).status).to.equal(400);
  });
});
