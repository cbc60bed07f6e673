import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword, uniqueEmail } from "../../support/factories.js";
import { User } from "../../../backend/src/models/User.js";
import { totpCodeAt } from "../../../backend/src/services/totp.js";
import { enableTotp } from "../../support/auth.js";

describe("POST /api/auth/login", () => {
  it("signs in with the right password: 200 done, session and CSRF cookies, /me answers", async () => {
    const user = await buildUser({ name: "Ada Lovelace" });
    const api = await ApiClient.create();
    const res = await api.post("/api/auth/login", { email: user.email.toUpperCase(), password: defaultPassword });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ next: "done" });
    const setCookies = res.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith("kuvert_session="))!;
    const csrf = setCookies.find((c) => c.startsWith("kuvert_csrf="))!;
    expect(session)
      .to.match(/httponly/i)
      .and.match(/samesite=lax/i)
      .and.match(/path=\//i);
    expect(session, "no Secure flag in test").to.not.match(/;\s*secure/i);
    expect(csrf).to.not.match(/httponly/i);

    const me = await api.get("/api/auth/me");
    expect(me.status).to.equal(200);
    expect(me.body).to.include({
      id: user.id,
      email: user.email,
      name: "Ada Lovelace",
      role: "staff",
      stage: "full",
      locale: "sv",
    });
    expect(me.body.organisation).to.have.property("id", user.organisationId);
    expect(me.body).to.not.have.property("passwordHash");
  });

  it("answers 401 invalid_credentials alike for a wrong password and an unknown e-mail", async () => {
    const user = await buildUser();
    const api = await ApiClient.create();
    const wrong = await api.post("/api/auth/login", { email: user.email, password: "Wrong-password-1" });
    const unknown = await api.post("/api/auth/login", { email: uniqueEmail("nobody"), password: "Wrong-password-1" });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.body).to.deep.equal(unknown.body);
    expect(wrong.body.error).to.equal("invalid_credentials");
    expect(api.cookies.has("kuvert_session")).to.equal(false);
    expect((await api.get("/api/auth/me")).status).to.equal(401);
  });

  it("an unknown e-mail 'locks' after 3 tries like a real account, so 423 reveals nothing", async () => {
    const api = await ApiClient.create();
    const email = uniqueEmail("ghost");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api.post("/api/auth/login", { email, password: "Wrong-password-1" })).status);
    expect(statuses).to.deep.equal([401, 401, 423, 423]);
  });

  it("a deactivated user cannot sign in, and their open session stops working", async () => {
    const user = await buildUser();
    const api = await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(200);
    await User.update({ status: "deactivated" }, { where: { id: user.id } });
    expect((await api.get("/api/auth/me")).status).to.equal(401);
    const again = await ApiClient.create();
    const res = await again.post("/api/auth/login", { email: user.email, password: defaultPassword });
    expect(res.status).to.equal(401);
    expect(res.body.error).to.equal("invalid_credentials");
  });

  it("rejects malformed bodies with 400, never 500", async () => {
    const api = await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: "x@example.test" })).status).to.equal(400);
    expect((await api.post("/api/auth/login", "not json", { "Content-Type": "application/json" })).status).to.equal(
      400,
    );
    expect(
      (await api.post("/api/auth/login", "email=x", { "Content-Type": "application/x-www-form-urlencoded" })).status,
    ).to.equal(415);
  });

  describe("with TOTP on", () => {
    it("password → second_factor (partial session that reaches nothing else) → TOTP code → done, with a new session id", async () => {
      const user = await buildUser();
      const secret = await enableTotp(user);
      const api = await ApiClient.create();
      const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
      expect(res.status).to.equal(200);
      expect(res.body.next).to.equal("second_factor");
      expect(res.body.methods).to.include("totp").and.include("sms");
      const partialCookie = api.cookies.get("kuvert_session")!;

      expect((await api.get("/api/auth/me")).body.stage).to.equal("partial");
      const blocked = await api.get("/api/account/sessions");
      expect(blocked.status).to.equal(401);
      expect(blocked.body.error).to.equal("authentication_required");

      const bad = await api.post("/api/auth/second-factor", { method: "totp", code: "000000" });
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal("invalid_code");

      const ok = await api.post("/api/auth/second-factor", {
        method: "totp",
        code: totpCodeAt(secret, Date.now() / 1000),
      });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.equal({ next: "done" });
      const fullCookie = api.cookies.get("kuvert_session")!;
      expect(fullCookie.split(".")[0]).to.not.equal(partialCookie.split(".")[0]);
      expect((await api.get("/api/auth/me")).body.stage).to.equal("full");
      expect((await api.get("/api/account/sessions")).status).to.equal(200);

      const stale = new ApiClient(api.baseUrl);
      stale.cookies.set("kuvert_session", partialCookie);
      expect((await stale.get("/api/auth/me")).status, "the partial session is gone").to.equal(401);
    });

    it("wrong second factors count toward the lockout: 1 wrong password + 2 wrong codes lock", async () => {
      const user = await buildUser();
      await enableTotp(user);
      const api = await ApiClient.create();
      expect((await api.post("/api/auth/login", { email: user.email, password: "Wrong-password-1" })).status).to.equal(
        401,
      );
      expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).body.next).to.equal(
        "second_factor",
      );
      expect((await api.post("/api/auth/second-factor", { method: "totp", code: "111111" })).status).to.equal(400);
      const locked = await api.post("/api/auth/second-factor", { method: "totp", code: "222222" });
      expect(locked.status).to.equal(423);
      expect(locked.body.error).to.equal("account_locked");
      expect((await api.get("/api/auth/me")).status, "the partial session ended with the lock").to.equal(401);
      expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
        423,
      );
    });
  });
});
