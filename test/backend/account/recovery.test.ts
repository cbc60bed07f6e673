import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { drain } from "../../support/outbox.js";
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

const newPassword = "Fresh-start-2026";
const wrongPassword = "Wrong-password-1";

describe("recovery: one-time codes, lost authenticator, forgot password (HTTP API)", () => {
  let delivery: Delivery;
  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    resetClock();
    await delivery.close();
  });
  afterEach(() => resetClock());

  describe("one-time codes (F18)", () => {
    it("need an SMS code, come as 10 distinct codes shown once, each works once, and a new set replaces the old", async () => {
      const user = await buildUser();
      const api = await signIn(user);
      const noSms = await api.post("/api/account/backup-codes", { smsCode: "123456" });
      expect(noSms.status).to.equal(400);

      const codes = await generateBackupCodes(api, user, delivery);
      expect(codes).to.have.length(10);
      expect(new Set(codes).size).to.equal(10);
      for (const c of codes) expect(c).to.match(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect((await api.get("/api/account/backup-codes")).body).to.deep.equal({ remaining: 10 });

      await enableTotp(api, user, delivery);
      const first = await signInPartial(user);
      const use = await first.post("/api/auth/second-factor", {
        method: "backup_code",
        code: codes[0].toUpperCase().replace("-", " "),
      });
      expect(use.status, use.text).to.equal(200);
      expect((await api.get("/api/account/backup-codes")).body).to.deep.equal({ remaining: 9 });

      const second = await signInPartial(user);
      const reuse = await second.post("/api/auth/second-factor", { method: "backup_code", code: codes[0] });
      expect(reuse.status, "a one-time code works once").to.equal(400);

      const fresh = await generateBackupCodes(api, user, delivery);
      expect(fresh.some((c) => codes.includes(c))).to.equal(false);
      const old = await second.post("/api/auth/second-factor", { method: "backup_code", code: codes[1] });
      expect(old.status, "the old set is gone").to.equal(400);
      expect((await second.post("/api/auth/second-factor", { method: "backup_code", code: fresh[0] })).status).to.equal(
        200,
      );

      const types = await auditTypes(api);
      expect(types.filter((t) => t === "backup_codes.generated")).to.have.length(2);
      expect(JSON.stringify(types)).to.not.contain(codes[0]);
    });

    it("another user's one-time code is refused", async () => {
      const alice = await buildUser();
      const bob = await buildUser();
      const aliceApi = await signIn(alice);
      const aliceCodes = await generateBackupCodes(aliceApi, alice, delivery);
      const bobApi = await signIn(bob);
      await enableTotp(bobApi, bob, delivery);
      await generateBackupCodes(bobApi, bob, delivery);
      const partial = await signInPartial(bob);
      expect(
        (await partial.post("/api/auth/second-factor", { method: "backup_code", code: aliceCodes[0] })).status,
      ).to.equal(400);
    });
  });

  describe("lost authenticator (F19)", () => {
    it("an SMS code signs in fully and turns TOTP off; the user is told to turn it on again", async () => {
      const user = await buildUser();
      const api = await signIn(user);
      await enableTotp(api, user, delivery);

      const partial = await signInPartial(user);
      expect((await partial.post("/api/auth/second-factor/sms")).status).to.equal(202);
      const code = await delivery.smsCode(user.mobile!);
      const bad = await partial.post("/api/auth/recovery", {
        method: "sms",
        code: code === "000000" ? "111111" : "000000",
      });
      expect(bad.status).to.equal(400);
      const res = await partial.post("/api/auth/recovery", { method: "sms", code });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ next: "done", totpDisabled: true, notice: "turn_on_2fa_again" });
      expect((await partial.get("/api/account")).status, "signed in fully").to.equal(200);
      expect((await partial.get<{ enabled: boolean }>("/api/account/2fa")).body.enabled).to.equal(false);

      const plain = await ApiClient.create();
      expect(
        (await plain.post("/api/auth/login", { email: user.email, password: defaultPassword })).body.next,
        "2FA is off now",
      ).to.equal("done");

      const types = await auditTypes(partial);
      expect(types).to.include.members(["2fa.totp_disabled", "login.succeeded"]);
      const mail = await delivery.mailTo(user.email, /Säkerhetsändring/, "i stället för autentiseringsappen");
      expect(mail.text).to.contain("Slå på den igen").and.not.contain(code);
    });

    it("a one-time code does the same and is used up", async () => {
      const user = await buildUser();
      const api = await signIn(user);
      const codes = await generateBackupCodes(api, user, delivery);
      await enableTotp(api, user, delivery);
      const partial = await signInPartial(user);
      const res = await partial.post("/api/auth/recovery", { method: "backup_code", code: codes[3] });
      expect(res.status, res.text).to.equal(200);
      expect((await partial.get<{ remaining: number }>("/api/account/backup-codes")).body.remaining).to.equal(9);
      expect(await auditTypes(partial)).to.include.members(["backup_code.used", "2fa.totp_disabled"]);
    });

    it("is only for the second step of sign-in: no session → 401, a full session → 409", async () => {
      const user = await buildUser();
      const anon = await ApiClient.create();
      expect((await anon.post("/api/auth/recovery", { method: "sms", code: "123456" })).status).to.equal(401);
      const full = await signIn(user);
      expect((await full.post("/api/auth/recovery", { method: "sms", code: "123456" })).status).to.equal(409);
    });

    it("wrong recovery codes count toward the lockout", async () => {
      const user = await buildUser();
      const api = await signIn(user);
      const secret = await enableTotp(api, user, delivery);
      const partial = await signInPartial(user);
      expect(
        (await partial.post("/api/auth/recovery", { method: "backup_code", code: "aaaaa-aaaaa" })).status,
      ).to.equal(400);
      expect(
        (await partial.post("/api/auth/recovery", { method: "backup_code", code: "bbbbb-bbbbb" })).status,
      ).to.equal(400);
      const third = await partial.post("/api/auth/recovery", { method: "backup_code", code: "ccccc-ccccc" });
      expect(third.status).to.equal(423);
      shiftClock(90_000);
      const again = await ApiClient.create();
      const login = await again.post("/api/auth/login", { email: user.email, password: defaultPassword });
      expect(login.status).to.equal(423);
      expect(appCode(secret)).to.match(/^\d{6}$/);
    });
  });

  describe("forgot password (F19)", () => {
    it("always answers 202, also for unknown addresses, and sends no SMS then", async () => {
      const before = delivery.sms.messages.length;
      const res = await (
        await ApiClient.create()
      ).post("/api/auth/password-reset", { email: "nobody-here@example.test" });
      expect(res.status).to.equal(202);
      expect(res.body).to.deep.equal({ next: "code" });
      await drain(delivery.worker);
      expect(delivery.sms.messages.length).to.equal(before);
    });

    it("by SMS: unlocks a locked account, sets the password, signs out everywhere, re-wraps keys and tells the owner", async () => {
      const user = await buildUser({ name: "Rut" });
      const other = await signIn(user);
      const anon = await ApiClient.create();
      for (let i = 0; i < 3; i++) await anon.post("/api/auth/login", { email: user.email, password: wrongPassword });
      expect((await anon.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
        423,
      );

      expect((await anon.post("/api/auth/password-reset", { email: user.email.toUpperCase() })).status).to.equal(202);
      const code = await delivery.smsCode(user.mobile!);
      const sms = delivery.sms.messages.filter((m) => m.to === user.mobile).at(-1)!;
      expect(sms.message, "the SMS says what the code is for")
        .to.contain("återställa ditt lösenord")
        .and.contain("10 minuter");

      const weak = await anon.post("/api/auth/password-reset/confirm", { email: user.email, code, password: "short1" });
      expect(weak.status).to.equal(422);
      expect(weak.body.error).to.equal("password_too_short");
      const bad = await anon.post("/api/auth/password-reset/confirm", {
        email: user.email,
        code: code === "000000" ? "111111" : "000000",
        password: newPassword,
      });
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal("invalid_code");

      const ok = await anon.post("/api/auth/password-reset/confirm", {
        email: user.email,
        code,
        password: newPassword,
      });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.body).to.deep.equal({ next: "sign_in" });
      expect(
        (await anon.post("/api/auth/password-reset/confirm", { email: user.email, code, password: newPassword }))
          .status,
        "the code is used up",
      ).to.equal(400);

      expect((await other.get("/api/account")).status, "old sessions are revoked").to.equal(401);
      expect(
        (await anon.post("/api/auth/login", { email: user.email, password: defaultPassword })).status,
        "old password",
      ).to.equal(401);
      const fresh = await signIn(user, newPassword);
      const types = await auditTypes(fresh);
      expect(types).to.include.members([
        "password_reset.requested",
        "account.unlocked",
        "password.reset",
        "keys.escrow_recovered",
      ]);

      const mail = await delivery.mailTo(user.email, "Ditt lösenord i Kuvert har återställts");
      expect(mail.text).to.contain("Kontot var låst och är nu upplåst").and.contain("SMS-kod");
      expect(mail.text).to.not.contain(newPassword).and.not.contain(code);
    });

    it("by one-time code, without any SMS; the code then works no more", async () => {
      const user = await buildUser();
      const api = await signIn(user);
      const codes = await generateBackupCodes(api, user, delivery);
      const anon = await ApiClient.create();
      const ok = await anon.post("/api/auth/password-reset/confirm", {
        email: user.email,
        code: codes[5],
        password: newPassword,
      });
      expect(ok.status, ok.text).to.equal(200);
      await signIn(user, newPassword);
      const again = await anon.post("/api/auth/password-reset/confirm", {
        email: user.email,
        code: codes[5],
        password: "Another-one-42",
      });
      expect(again.status).to.equal(400);
      const mail = await delivery.mailTo(user.email, "Ditt lösenord i Kuvert har återställts");
      expect(mail.text).to.contain("engångskod");
    });

    it("a reset code of another account or purpose is refused; an unknown address looks the same", async () => {
      const alice = await buildUser();
      const bob = await buildUser();
      const anon = await ApiClient.create();
      await anon.post("/api/auth/password-reset", { email: alice.email });
      const aliceCode = await delivery.smsCode(alice.mobile!);
      const asBob = await anon.post("/api/auth/password-reset/confirm", {
        email: bob.email,
        code: aliceCode,
        password: newPassword,
      });
      expect(asBob.status).to.equal(400);
      const unknown = await anon.post("/api/auth/password-reset/confirm", {
        email: "ghost@example.test",
        code: aliceCode,
        password: newPassword,
      });
      expect(unknown.status).to.equal(400);
      expect(unknown.body).to.deep.equal(asBob.body);
      // A sign-in code is not a reset code.
      const api = await signIn(alice);
      await enableTotp(api, alice, delivery);
      const partial = await signInPartial(alice);
      await partial.post("/api/auth/second-factor/sms");
      const loginCode = await delivery.smsCode(alice.mobile!);
      const cross = await anon.post("/api/auth/password-reset/confirm", {
        email: alice.email,
        code: loginCode,
        password: newPassword,
      });
      if (loginCode !== aliceCode) expect(cross.status).to.equal(400);
    });

    it("is rate-limited per address (429 with Retry-After)", async () => {
      const user = await buildUser();
      const anon = await ApiClient.create();
      let last;
      for (let i = 0; i < 6; i++) last = await anon.post("/api/auth/password-reset", { email: user.email });
      expect(last!.status).to.equal(429);
      expect(last!.body.error).to.equal("rate_limited");
      expect(Number(last!.headers.get("retry-after"))).to.be.greaterThan(0);
    });
  });
});
