import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { webBundleDir } from "../../../backend/src/middlewares/webApp.js";
import { ApiClient } from "../../support/server.js";
import { ensureBundle } from "../../support/browser.js";

describe("web app serving", function () {
  this.timeout(60_000);
  let api: ApiClient;
  let script: string;

  before(async () => {
    await ensureBundle();
    api = await ApiClient.create();
    script = (JSON.parse(fs.readFileSync(path.join(webBundleDir, "build.json"), "utf8")) as { script: string }).script;
  });

  it("serves index.html, never cached, for the app's client routes", async () => {
    for (const p of [
      "/",
      "/login",
      "/forgot-password",
      "/recovery",
      "/r/abc123",
      "/mailbox",
      "/mailbox/inbox",
      "/settings/security",
      "/contacts",
      "/compose",
    ]) {
      const res = await api.get(p);
      expect(res.status, p).to.equal(200);
      expect(res.headers.get("content-type"), p).to.match(/^text\/html/);
      expect(res.headers.get("cache-control"), p).to.equal("no-cache");
      expect(res.text, p).to.contain(`<script type="module" src="/assets/${script}"></script>`);
    }
  });

  it("has no inline script and keeps the strict CSP (scripts from this site only)", async () => {
    const res = await api.get("/login");
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).to.contain("script-src 'self';");
    expect(csp).not.to.match(/script-src[^;]*unsafe/);
  });

  it("answers unknown pages with the app (its friendly 404 page) and status 404", async () => {
    const res = await api.get("/no/such/page");
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('<div id="root">');
  });

  it("serves hashed assets with a long immutable cache, compressed when the client accepts it", async () => {
    const res = await api.get(`/assets/${script}`, { "Accept-Encoding": "br" });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/javascript/);
    expect(res.headers.get("cache-control"))
      .to.match(/max-age=31536000/)
      .and.to.match(/immutable/);
    expect(res.headers.get("content-encoding")).to.equal("br");
    expect(res.headers.get("vary")).to.match(/Accept-Encoding/i);
    const missing = await api.get("/assets/app-NOPE.js");
    expect(missing.status).to.equal(404);
    const traversal = await api.get("/assets/..%2f..%2fpackage.json");
    expect(traversal.status).to.be.oneOf([400, 403, 404]);
    expect(traversal.text).not.to.contain('"name": "kuvert"');
  });

  it("leaves the API and health to the server: JSON 404s, no HTML fallback", async () => {
    const res = await api.get("/api/no-such-route");
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: "not_found", message: "Not found" });
    expect((await api.get("/health")).body).to.deep.equal({ status: "ok" });
    const post = await api.post("/login", {});
    expect(post.status).to.equal(404);
    expect(post.headers.get("content-type")).to.match(/json/);
  });
});
