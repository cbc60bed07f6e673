import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../../support/factories.js";
import { enableTotp } from "../../support/auth.js";
import { env } from "../../../backend/src/env.js";
import { Session } from "../../../backend/src/models/Session.js";

/**
 * A morning burst: many people sign in at the same moment. Before, a sign-in transaction took
 * a second pool connection for the second-factor lookup (MariaDB: the pool ran dry and every
 * request waited ~30 s for the acquire time-out, some answered 500) and ran scrypt while it
 * held SQLite's write lock, with rate-limit writes beside it failing SQLITE_BUSY.
 */
describe("sign-in bursts", () => {
  it("20 concurrent sign-ins (some with a second factor, beside failing ones) all answer, no 5xx, in bounded time", async function () {
    this.timeout(120_000);
    const org = await buildOrganisation();
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await buildUser({ organisation: i % 2 ? org : null }));
    // Every fourth has an authenticator: its sign-in looks up the second factors in the transaction.
    for (let i = 0; i < users.length; i += 4) await enableTotp(users[i]);
    const wrongUser = await buildUser({ organisation: org });

    // More simultaneous transactions than the pool has connections (MySQL).
    expect(users.length).to.be.greaterThan(env().DATABASE_POOL_MAX);
    const base = (await ApiClient.create()).baseUrl;
    const clients = users.map(() => new ApiClient(base));
    const attempts = [
      ...users.map((u, i) => ({ api: clients[i], email: u.email, password: defaultPassword })),
      { api: new ApiClient(base), email: wrongUser.email, password: "Wrong-password-1" },
      { api: new ApiClient(base), email: wrongUser.email, password: "Wrong-password-2" },
      { api: new ApiClient(base), email: uniqueEmail("nobody"), password: "Guess-1234" },
      { api: new ApiClient(base), email: uniqueEmail("nobody"), password: "Guess-1234" },
    ];
    const started = Date.now();
    const results = await Promise.all(
      attempts.map(async (a) => {
        const t0 = Date.now();
        const res = await a.api.post("/api/auth/login", { email: a.email, password: a.password });
        return { status: res.status, body: res.body, ms: Date.now() - t0 };
      }),
    );
    const total = Date.now() - started;

    const signIns = results.slice(0, users.length);
    expect(
      signIns.map((r) => r.status),
      JSON.stringify(results.map((r) => r.body)),
    ).to.deep.equal(users.map(() => 200));
    signIns.forEach((r, i) => expect(r.body.next).to.equal(i % 4 === 0 ? "second_factor" : "done"));
    expect(results.slice(users.length).map((r) => r.status)).to.deep.equal([401, 401, 401, 401]);
    // Bounded: the old failure mode waited ~30 s (MariaDB pool acquire time-out) or ~47 s
    // (SQLite busy retries) and answered 500s, which the statuses above catch; this bound only
    // guards against a silent stall, so it is generous for a loaded 2-core machine.
    expect(total, `burst took ${total} ms`).to.be.below(60_000);

    // Every signed-in client really holds a working session with its key unlocked.
    for (let i = 1; i < users.length; i++) {
      if (i % 4 === 0) continue;
      const me = await clients[i].get("/api/auth/me");
      expect(me.status).to.equal(200);
      expect((me.body as { email: string }).email).to.equal(users[i].email);
    }
    const sessions = await Session.findAll({ where: { userId: users.map((u) => u.id) } });
    expect(sessions).to.have.length(users.length);
    expect(sessions.every((s) => !!s.privateKeySealed)).to.equal(true);
    // The failures were counted (lockout writes committed under the burst).
    await wrongUser.reload();
    expect(wrongUser.failedLoginCount).to.equal(2);
  });
});
