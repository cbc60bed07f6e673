import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";

describe("API tokens", () => {
  it("creates a token shown once; bearer requests work without CSRF; a revoked token is 401", async () => {
    const user = await buildUser();
    const browser = await signIn(user);
    const created = await browser.post<{ id: string; token: string; label: string }>("/api/account/tokens", {
      label: "Outlook add-in",
      password: defaultPassword,
    });
    expect(created.status).to.equal(201);
    expect(created.body.token).to.match(/^kvt_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(created.body.label).to.equal("Outlook add-in");

    const list = await browser.get<{ tokens: Array<Record<string, unknown>> }>("/api/account/tokens");
    expect(list.body.tokens).to.have.length(1);
    expect(list.body.tokens[0]).to.have.keys(["id", "label", "createdAt", "lastUsedAt", "expiresAt"]);
    expect(JSON.stringify(list.body)).to.not.contain(created.body.token.split(".")[1]);

    const addin = await ApiClient.create();
    addin.bearer = created.body.token;
    const me = await addin.get("/api/auth/me");
    expect(me.status).to.equal(200);
    expect(me.body.id).to.equal(user.id);
    // A state change with a bearer token and no cookie needs no CSRF header.
    const other = await browser.post<{ id: string }>("/api/account/tokens", {
      label: "second",
      password: defaultPassword,
    });
    expect((await addin.delete(`/api/account/tokens/${other.body.id}`)).status).to.equal(204);
    const minted = await addin.post("/api/account/tokens", { label: "more", password: defaultPassword });
    expect([minted.status, minted.body.error], "a token cannot mint tokens").to.deep.equal([403, "forbidden"]);

    const tampered = await ApiClient.create();
    tampered.bearer = created.body.token.slice(0, -2) + (created.body.token.endsWith("AA") ? "BB" : "AA");
    expect((await tampered.get("/api/auth/me")).status).to.equal(401);

    expect((await browser.delete(`/api/account/tokens/${created.body.id}`)).status).to.equal(204);
    const revoked = await addin.get("/api/auth/me");
    expect(revoked.status).to.equal(401);
    expect(revoked.body.error).to.equal("invalid_token");

    const audit = await browser.get<{ events: Array<{ type: string }> }>("/api/account/audit");
    expect(audit.body.events.map((e) => e.type)).to.include.members(["token.created", "token.revoked"]);
  });

  it("another user cannot revoke or see my tokens", async () => {
    const alice = await signIn(await buildUser());
    const bob = await signIn(await buildUser());
    const created = await alice.post<{ id: string; token: string }>("/api/account/tokens", {
      label: "mine",
      password: defaultPassword,
    });
    expect((await bob.delete(`/api/account/tokens/${created.body.id}`)).status).to.equal(404);
    expect((await bob.get<{ tokens: unknown[] }>("/api/account/tokens")).body.tokens).to.have.length(0);
    const addin = await ApiClient.create();
    addin.bearer = created.body.token;
    expect((await addin.get("/api/auth/me")).status).to.equal(200);
  });
});
