import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn, withEnv } from "../../support/auth.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";

function sessionId(api: ApiClient): string {
  return api.cookies.get("kuvert_session")!.split(".")[0];
}

describe("sessions", () => {
  it("session fixation: a cookie the client brings is never adopted; login issues a new id", async () => {
    const user = await buildUser();
    const attacker = await buildUser();
    const api = await ApiClient.create();
    const planted = `11111111-2222-4333-8444-555555555555.${"A".repeat(43)}`;
    api.cookies.set("kuvert_session", planted);
    api.cookies.set("kuvert_csrf", "planted-csrf");
    expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(200);
    expect(api.cookies.get("kuvert_session")).to.not.equal(planted);
    expect(api.cookies.get("kuvert_csrf")).to.not.equal("planted-csrf");

    // A real session that an attacker sets in the victim's browser is replaced at login, not reused.
    const attackerApi = await signIn(attacker);
    const attackerCookie = attackerApi.cookies.get("kuvert_session")!;
    const victim = await ApiClient.create();
    victim.cookies.set("kuvert_session", attackerCookie);
    expect((await victim.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
      200,
    );
    expect(sessionId(victim)).to.not.equal(attackerCookie.split(".")[0]);
    const me = await victim.get("/api/auth/me");
    expect(me.body.id).to.equal(user.id);
    expect((await attackerApi.get("/api/auth/me")).status, "the old session ended at rotation").to.equal(401);
  });

  it("logout ends the session on the server: the old cookie no longer works", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const cookie = api.cookies.get("kuvert_session")!;
    const out = await api.post("/api/auth/logout");
    expect(out.status).to.equal(204);
    expect(api.cookies.has("kuvert_session")).to.equal(false);
    const replay = new ApiClient(api.baseUrl);
    replay.cookies.set("kuvert_session", cookie);
    expect((await replay.get("/api/auth/me")).status).to.equal(401);
    const audit = await (await signIn(user)).get<{ events: Array<{ type: string }> }>("/api/account/audit");
    expect(audit.body.events.map((e) => e.type)).to.include("logout");
  });

  it("idle timeout: a session unused for longer than the idle limit is refused", async () => {
    const user = await buildUser();
    useFakeNow();
    await withEnv({ SESSION_IDLE_TIMEOUT_SECONDS: 1 }, async () => {
      const api = await signIn(user);
      expect((await api.get("/api/auth/me")).status).to.equal(200);
      advanceClock(1000);
      expect((await api.get("/api/auth/me")).status, "used within the idle limit").to.equal(200);
      advanceClock(1001);
      const res = await api.get("/api/auth/me");
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal("authentication_required");
    });
  });

  it("absolute timeout: an active session still ends at its fixed lifetime", async () => {
    const user = await buildUser();
    useFakeNow();
    await withEnv({ SESSION_IDLE_TIMEOUT_SECONDS: 60, SESSION_ABSOLUTE_TIMEOUT_SECONDS: 2 }, async () => {
      const api = await signIn(user);
      for (let elapsed = 0; elapsed < 2000; elapsed += 500) {
        expect((await api.get("/api/auth/me")).status, `active after ${elapsed} ms`).to.equal(200);
        advanceClock(500);
      }
      expect((await api.get("/api/auth/me")).status, "at the fixed lifetime").to.equal(401);
    });
  });

  it("another user's session id with my secret (or a guessed secret) reaches nothing; my sessions list shows only mine", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    const a = await signIn(alice);
    const b = await signIn(bob);
    const [, bobSecret] = b.cookies.get("kuvert_session")!.split(".");
    const forged = new ApiClient(a.baseUrl);
    forged.cookies.set("kuvert_session", `${sessionId(a)}.${bobSecret}`);
    expect((await forged.get("/api/auth/me")).status).to.equal(401);
    expect((await forged.get("/api/account/audit")).status).to.equal(401);

    const list = await b.get<{ sessions: Array<{ id: string; current: boolean }> }>("/api/account/sessions");
    expect(list.status).to.equal(200);
    expect(list.body.sessions.map((s) => s.id)).to.not.include(sessionId(a));
    expect(list.body.sessions.find((s) => s.current)?.id).to.equal(sessionId(b));

    const del = await b.delete(`/api/account/sessions/${sessionId(a)}`);
    expect(del.status, "Bob cannot end Alice's session").to.equal(404);
    expect((await a.get("/api/auth/me")).status).to.equal(200);
  });

  it("CSRF: a cookie-authenticated change without the header, with a wrong one, or with a planted cookie pair is 403", async () => {
    const user = await buildUser();
    const api = await signIn(user);
    const missing = await api.post("/api/auth/logout", {}, { "X-CSRF-Token": "" });
    expect(missing.status).to.equal(403);
    expect(missing.body.error).to.equal("csrf_failed");
    const wrongHeader = await api.post("/api/auth/logout", {}, { "X-CSRF-Token": "x".repeat(43) });
    expect(wrongHeader.status).to.equal(403);
    // An attacker who can set cookies (e.g. from a sibling subdomain) sets a matching pair of their own.
    const real = api.cookies.get("kuvert_csrf")!;
    api.cookies.set("kuvert_csrf", "y".repeat(43));
    const planted = await api.post("/api/auth/logout", {}, { "X-CSRF-Token": "y".repeat(43) });
    expect(planted.status).to.equal(403);
    api.cookies.set("kuvert_csrf", real);
    expect((await api.get("/api/auth/me")).status, "still signed in; GET needs no token").to.equal(200);
    expect((await api.post("/api/auth/logout")).status).to.equal(204);
  });

  it("lists my sessions, ends another one, and signs out everywhere", async () => {
    const user = await buildUser();
    const laptop = await signIn(user);
    const phone = await signIn(user);
    const tablet = await signIn(user);
    const list = await laptop.get<{
      sessions: Array<{ id: string; current: boolean; ip: string; userAgent: string | null }>;
    }>("/api/account/sessions");
    expect(list.body.sessions).to.have.length(3);
    expect(list.body.sessions.filter((s) => s.current)).to.have.length(1);
    expect(list.body.sessions[0]).to.have.keys([
      "id",
      "current",
      "stage",
      "ip",
      "userAgent",
      "createdAt",
      "lastSeenAt",
      "expiresAt",
    ]);

    expect((await laptop.delete(`/api/account/sessions/${sessionId(phone)}`)).status).to.equal(204);
    expect((await phone.get("/api/auth/me")).status).to.equal(401);
    expect((await tablet.get("/api/auth/me")).status).to.equal(200);

    const all = await laptop.post("/api/account/sessions/revoke-all");
    expect(all.status).to.equal(200);
    expect(all.body.revoked).to.equal(2);
    expect((await tablet.get("/api/auth/me")).status).to.equal(401);
    expect((await laptop.get("/api/auth/me")).status).to.equal(401);
  });
});
