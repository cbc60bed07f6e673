import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";
import { checkPasswordPolicy } from "../../../backend/src/services/passwordPolicy.js";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";

describe("password policy and change", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
  });
  after(async () => {
    await smtp.close();
    await sms.close();
  });

  it("the policy: 8–128 characters, letters and digits, not common, not the e-mail", () => {
    expect(checkPasswordPolicy("abc123")).to.deep.include({ ok: false, id: "password_too_short" });
    expect(checkPasswordPolicy("a1".repeat(65))).to.deep.include({ ok: false, id: "password_too_long" });
    expect(checkPasswordPolicy("onlyletters")).to.deep.include({ ok: false, id: "password_needs_letters_and_digits" });
    expect(checkPasswordPolicy("1234567890")).to.deep.include({ ok: false, id: "password_needs_letters_and_digits" });
    expect(checkPasswordPolicy("password1")).to.deep.include({ ok: false, id: "password_too_common" });
    expect(checkPasswordPolicy("Qwerty123")).to.deep.include({ ok: false, id: "password_too_common" });
    expect(checkPasswordPolicy("anna.svensson2024", { email: "Anna.Svensson@example.se" })).to.deep.include({
      ok: false,
      id: "password_too_common",
    });
    expect(checkPasswordPolicy("Blåbärssylt 42 i köket").ok).to.equal(true);
    expect(checkPasswordPolicy("a1".repeat(64)).ok).to.equal(true);
  });

  it("rejects policy violations and a wrong current password over HTTP", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const cases: Array<[string, number, string]> = [
      ["short1", 422, "password_too_short"],
      ["x1".repeat(65), 422, "password_too_long"],
      ["no-digits-here", 422, "password_needs_letters_and_digits"],
      ["password123", 422, "password_too_common"],
      [defaultPassword, 400, "same_password"],
    ];
    for (const [newPassword, status, id] of cases) {
      const res = await api.post("/api/account/password", { currentPassword: defaultPassword, newPassword });
      expect([res.status, res.body.error], newPassword).to.deep.equal([status, id]);
    }
    const wrong = await api.post("/api/account/password", {
      currentPassword: "Not-the-password-9",
      newPassword: "Fresh-password-77",
    });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error).to.equal("invalid_password");
    expect((await api.get("/api/auth/me")).status, "a wrong current password does not sign out").to.equal(200);
  });

  it("changes the password: other sessions end, this one is rotated, the owner is e-mailed", async () => {
    const user = await buildUser({ name: "Per" });
    const here = await signIn(user);
    const elsewhere = await signIn(user);
    const before = here.cookies.get("kuvert_session")!;
    const res = await here.post("/api/account/password", {
      currentPassword: defaultPassword,
      newPassword: "Nytt-lösenord-2026",
    });
    expect(res.status).to.equal(200);
    expect(res.body.otherSessionsRevoked).to.equal(1);
    expect(here.cookies.get("kuvert_session")).to.not.equal(before);
    expect((await here.get("/api/auth/me")).status).to.equal(200);
    expect((await elsewhere.get("/api/auth/me")).status).to.equal(401);
    const old = new ApiClient(here.baseUrl);
    old.cookies.set("kuvert_session", before);
    expect((await old.get("/api/auth/me")).status, "the pre-change session id is dead").to.equal(401);

    const fresh = await ApiClient.create();
    expect((await fresh.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
      401,
    );
    expect(
      (await fresh.post("/api/auth/login", { email: user.email, password: "Nytt-lösenord-2026" })).status,
    ).to.equal(200);

    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(user.email));
    expect(mail.parsed.subject).to.equal("Ditt lösenord i Kuvert har ändrats");
    expect(mail.parsed.text).to.not.contain("Nytt-lösenord-2026");

    const audit = await here.get<{ events: Array<{ type: string }> }>("/api/account/audit");
    expect(audit.body.events.map((e) => e.type)).to.include("password.changed");
    expect(JSON.stringify(audit.body)).to.not.contain("Nytt-lösenord-2026");
  });

  it("a bearer token cannot change the password", async () => {
    const user = await buildUser();
    const browser = await signIn(user);
    const token = await browser.post<{ token: string }>("/api/account/tokens", {
      label: "t",
      password: defaultPassword,
    });
    const api = await ApiClient.create();
    api.bearer = token.body.token;
    const res = await api.post("/api/account/password", {
      currentPassword: defaultPassword,
      newPassword: "Fresh-password-77",
    });
    expect([res.status, res.body.error]).to.deep.equal([403, "forbidden"]);
    // Unchanged: the browser session still changes it with the old one.
    const again = await browser.post("/api/account/password", {
      currentPassword: defaultPassword,
      newPassword: "Fresh-password-77",
    });
    expect(again.status).to.equal(200);
  });
});
