import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { createApp } from "../../../backend/src/app.js";
import { env, setEnv, type Env } from "../../../backend/src/env.js";
import { buildUser, defaultPassword } from "../../support/factories.js";
import { ApiClient } from "../../support/server.js";

/** A second instance of the real app, created while the configuration is production's. */
async function productionServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(createApp().callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Set-Cookie attributes of `name` in a response, lower-cased, or null. */
function cookieAttributes(headers: Headers, name: string): string[] | null {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return line ? line.split(";").map((s) => s.trim().toLowerCase()) : null;
}

describe("production over HTTP: TLS only through a trusted proxy, __Host- cookies", function () {
  this.timeout(60_000);
  let saved: Env;

  const production = (trustProxy: boolean): Env => ({
    ...saved,
    NODE_ENV: "production",
    isProduction: true,
    isDev: false,
    PUBLIC_URL: "https://kuvert.test",
    TRUST_PROXY: trustProxy,
  });

  before(() => {
    saved = env();
  });
  afterEach(() => {
    setEnv(saved);
  });

  it("a production app reached without TLS information answers sign-in with 400 https_required, never a 500", async () => {
    const user = await buildUser();
    setEnv(production(false));
    const server = await productionServer();
    try {
      const api = new ApiClient(server.url);
      const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error).to.equal("https_required");
      expect(res.headers.getSetCookie()).to.deep.equal([]);
    } finally {
      await server.close();
    }
  });

  it("behind a trusted proxy that forwarded HTTPS: __Host- session and CSRF cookies (Secure, Path=/, no Domain)", async () => {
    const user = await buildUser();
    setEnv(production(true));
    const server = await productionServer();
    try {
      const https = { "X-Forwarded-Proto": "https" };
      const api = new ApiClient(server.url);
      const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword }, https);
      expect(res.status, res.text).to.equal(200);
      const session = cookieAttributes(res.headers, "__Host-kuvert_session");
      const csrf = cookieAttributes(res.headers, "__Host-kuvert_csrf");
      expect(session, res.headers.getSetCookie().join("\n")).to.not.equal(null);
      expect(csrf).to.not.equal(null);
      for (const attrs of [session!, csrf!]) {
        expect(attrs).to.include("secure");
        expect(attrs).to.include("path=/");
        expect(attrs.some((a) => a.startsWith("domain="))).to.equal(false);
      }
      expect(session).to.include("httponly");
      expect(csrf).to.not.include("httponly");
      expect(cookieAttributes(res.headers, "kuvert_session")).to.equal(null);

      // The prefixed cookies carry the session and the CSRF double submit.
      expect((await api.get("/api/account", https)).status).to.equal(200);
      // An unprefixed cookie (e.g. planted from a sibling subdomain) is not a session in production.
      const tossed = new ApiClient(server.url);
      tossed.cookies.set("kuvert_session", api.cookies.get("__Host-kuvert_session")!);
      expect((await tossed.get("/api/account", https)).status).to.equal(401);
      // The same proxy forwarding a plain-HTTP request: a clear 400, not a 500.
      const plain = await api.post("/api/auth/logout", {}, { "X-Forwarded-Proto": "http" });
      expect(plain.status, plain.text).to.equal(400);
      expect(plain.body.error).to.equal("https_required");
      const out = await api.post("/api/auth/logout", {}, https);
      expect(out.status, out.text).to.be.within(200, 204);
    } finally {
      await server.close();
    }
  });

  it("takes the client address that the trusted proxy appended, never one the client put in X-Forwarded-For itself", async () => {
    const user = await buildUser();
    const signInFrom = async (forwardedFor: string, hops?: number) => {
      setEnv({ ...production(true), ...(hops ? { TRUST_PROXY_HOPS: hops } : {}) });
      const server = await productionServer();
      try {
        const res = await new ApiClient(server.url).post(
          "/api/auth/login",
          { email: user.email, password: defaultPassword },
          { "X-Forwarded-Proto": "https", "X-Forwarded-For": forwardedFor },
        );
        expect(res.status, res.text).to.equal(200);
        const event = await AuditEvent.findOne({
          where: { userId: user.id, type: "login.succeeded" },
          order: [["id", "DESC"]],
        });
        return event!.ip;
      } finally {
        await server.close();
      }
    };
    // A client sent "X-Forwarded-For: 203.0.113.66"; the proxy appended the address it saw.
    expect(await signInFrom("203.0.113.66, 198.51.100.7")).to.equal("198.51.100.7");
    expect(await signInFrom("198.51.100.8")).to.equal("198.51.100.8");
    // Two proxies of one's own (TRUST_PROXY_HOPS=2): the address the outer one saw.
    expect(await signInFrom("203.0.113.66, 198.51.100.9, 10.0.0.2", 2)).to.equal("198.51.100.9");
  });
});
