// GET /api/auth/session, read through the shared API client (shared/api/client.ts) that the
// web app and the add-in use, against the real server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ApiError, createApiClient } from "#shared/api/client.js";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { ApiClient, getTestServer } from "../../support/server.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { enableTotp, signIn } from "../../support/auth.js";

type State = { state: string; user?: Record<string, unknown>; methods?: string[] };

describe("GET /api/auth/session (where the caller stands)", () => {
  it("answers 200 signed_out without a session, with a stale cookie and with an unknown token", async () => {
    const base = await getTestServer();
    expect(await createApiClient({ base }).get<State>("/api/auth/session")).to.deep.equal({ state: "signed_out" });
    const stale = await ApiClient.create();
    stale.cookies.set("kuvert_session", "not-a-session");
    const res = await stale.get<State>("/api/auth/session");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ state: "signed_out" });
    const token = createApiClient({ base, token: "kvt_00000000-0000-0000-0000-000000000000.nope" });
    expect(await token.get<State>("/api/auth/session")).to.deep.equal({ state: "signed_out" });
  });

  it("is second_factor with the methods on offer while the second step is due, then signed_in", async () => {
    const user = await buildUser({ name: "Greta Garbo" });
    await enableTotp(user);
    const api = await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).body.next).to.equal(
      "second_factor",
    );
    const partial = await api.get<State>("/api/auth/session");
    expect(partial.status).to.equal(200);
    expect(partial.body.state).to.equal("second_factor");
    expect(partial.body.methods).to.include("totp");
    expect(partial.body.user).to.include({ id: user.id, email: user.email, stage: "partial" });

    const full = await (await signIn(await buildUser({ name: "Selma Lagerlöf" }))).get<State>("/api/auth/session");
    expect(full.body.state).to.equal("signed_in");
    expect(full.body.user).to.include({ name: "Selma Lagerlöf", stage: "full" });
    expect(full.body.user).to.not.have.property("passwordHash");
    expect(full.body).to.not.have.property("methods");
  });

  it("is signed_in for a valid bearer token (the add-in)", async () => {
    const user = await buildUser();
    const token = await transaction(async (t) => (await issueApiToken(t, user, "test")).token);
    const client = createApiClient({ base: await getTestServer(), token });
    const state = await client.get<State>("/api/auth/session");
    expect(state.state).to.equal("signed_in");
    expect(state.user).to.include({ id: user.id, email: user.email });
  });
});

describe("shared API client against the server", () => {
  it("throws one ApiError shape: status, catalogue id and the server's message", async () => {
    const client = createApiClient({ base: await getTestServer() });
    const err = await client.get("/api/auth/me").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ApiError);
    expect(err).to.include({ status: 401, id: "authentication_required" });
    expect((err as ApiError).message).to.match(/\S/);
  });

  it("calls onUnauthorized with the path on a 401", async () => {
    const seen: string[] = [];
    const client = createApiClient({ base: await getTestServer(), onUnauthorized: (p) => seen.push(p) });
    await client.get("/api/mailbox/inbox").catch(() => undefined);
    expect(seen).to.deep.equal(["/api/mailbox/inbox"]);
  });

  it("sends the CSRF token on state-changing cookie requests (a wrong one is csrf_failed)", async () => {
    const browser = await signIn(await buildUser());
    const cookie = browser.cookieHeader();
    const withCookie: typeof fetch = (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Cookie: cookie } });
    const base = await getTestServer();
    const right = createApiClient({ base, fetch: withCookie, csrfToken: () => browser.cookies.get("kuvert_csrf")! });
    const created = await right.post<{ name: string }>("/api/folders", { name: "Arkiv" });
    expect(created.name).to.equal("Arkiv");
    const wrong = createApiClient({ base, fetch: withCookie, csrfToken: () => "forged" });
    const err = await wrong.post("/api/folders", { name: "Annat" }).catch((e: unknown) => e);
    expect(err).to.include({ status: 403, id: "csrf_failed" });
  });

  it("reports a server that does not answer as network_error (status 0)", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await createApiClient({ base: `http://127.0.0.1:${port}` })
      .get("/api/auth/session")
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    expect(err).to.include({ status: 0, id: "network_error" });
  });
});
