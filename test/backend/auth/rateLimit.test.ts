import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ApiClient } from "../../support/server.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../../support/factories.js";
import { enableTotp, withEnv } from "../../support/auth.js";
import { advanceClock, useFakeNow } from "../../support/clock.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import { createApp } from "../../../backend/src/app.js";

describe("rate limits on sign-in", () => {
  it("per IP: 429 with Retry-After once the window is used up, and recovery after the window", async () => {
    const user = await buildUser();
    const api = await ApiClient.create();
    useFakeNow();
    await withEnv({ RATE_LIMIT_LOGIN_IP_POINTS: 3, RATE_LIMIT_LOGIN_WINDOW_SECONDS: 2 }, async () => {
      // Different addresses each time: only the IP limit applies.
      for (let i = 0; i < 3; i++) {
        expect(
          (await api.post("/api/auth/login", { email: uniqueEmail("bot"), password: "Guess-1234" })).status,
        ).to.equal(401);
      }
      const limited = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
      expect(limited.status).to.equal(429);
      expect(limited.body.error).to.equal("rate_limited");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).to.equal(2);
      expect(api.cookies.has("kuvert_session"), "no session while limited, even with the right password").to.equal(
        false,
      );

      advanceClock(retryAfter * 1000 - 1);
      expect(
        (await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).status,
        "a moment before the window ends",
      ).to.equal(429);
      advanceClock(1);
      expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
        200,
      );
    });
  });

  it("holds across instances: two app instances on the same database share one window", async () => {
    const other = http.createServer(createApp().callback());
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const a = await ApiClient.create();
      const b = new ApiClient(`http://127.0.0.1:${(other.address() as AddressInfo).port}`);
      const email = uniqueEmail("spread");
      await withEnv({ RATE_LIMIT_LOGIN_ACCOUNT_POINTS: 4, RATE_LIMIT_LOGIN_WINDOW_SECONDS: 5 }, async () => {
        const statuses: number[] = [];
        for (const api of [a, b, a, b, a])
          statuses.push((await api.post("/api/auth/login", { email, password: "Guess-1234" })).status);
        expect(statuses.slice(-1)).to.deep.equal([429]);
      });
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it("per account: guesses against one address from many places are slowed too", async () => {
    const email = uniqueEmail("target");
    const api = await ApiClient.create();
    await withEnv({ RATE_LIMIT_LOGIN_ACCOUNT_POINTS: 2, RATE_LIMIT_LOGIN_WINDOW_SECONDS: 3 }, async () => {
      await api.post("/api/auth/login", { email, password: "Guess-1234" });
      await api.post("/api/auth/login", { email, password: "Guess-1234" });
      const limited = await api.post("/api/auth/login", { email: email.toUpperCase(), password: "Guess-1234" });
      expect(limited.status).to.equal(429);
      expect(limited.headers.get("retry-after")).to.match(/^[1-3]$/);
      expect(
        (await api.post("/api/auth/login", { email: uniqueEmail("other"), password: "Guess-1234" })).status,
        "other accounts unaffected",
      ).to.equal(401);
    });
  });

  it("limits the second-factor step per account (codes cannot be brute-forced past the window)", async () => {
    const org = await buildOrganisation();
    await Organisation.update({ policy: { lockoutThreshold: 20 } }, { where: { id: org.id } });
    const user = await buildUser({ organisation: org });
    await enableTotp(user);
    const api = await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).body.next).to.equal(
      "second_factor",
    );
    await withEnv({ RATE_LIMIT_LOGIN_ACCOUNT_POINTS: 2, RATE_LIMIT_LOGIN_WINDOW_SECONDS: 60 }, async () => {
      expect((await api.post("/api/auth/second-factor", { method: "totp", code: "123456" })).status).to.equal(400);
      expect((await api.post("/api/auth/second-factor", { method: "totp", code: "234567" })).status).to.equal(400);
      const limited = await api.post("/api/auth/second-factor", { method: "totp", code: "345678" });
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get("retry-after"))).to.be.within(1, 60);
    });
  });
});
