import { expect } from "chai";
import { ApiClient } from "../support/server.js";

describe("Koa app: edges", () => {
  let api: ApiClient;
  before(async () => {
    api = await ApiClient.create();
  });

  it("GET /health answers ok when the database answers", async () => {
    const res = await api.get("/health");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: "ok" });
    expect(res.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("sets strict security headers", async () => {
    const res = await api.get("/health");
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(res.headers.get("x-frame-options")).to.equal("DENY");
    expect(res.headers.get("content-security-policy")).to.contain("default-src 'self'");
    expect(res.headers.get("referrer-policy")).to.equal("no-referrer");
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await api.get("/api/does-not-exist");
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: "not_found", message: "Not found" });
  });

  it("answers a wrong method with a JSON 405", async () => {
    const res = await api.request("DELETE", "/health");
    expect(res.status).to.equal(405);
    expect(res.body.error).to.equal("method_not_allowed");
  });

  it("keeps a well-formed X-Request-Id and replaces a malformed one", async () => {
    const kept = await api.get("/health", { "X-Request-Id": "abc12345-trace" });
    expect(kept.headers.get("x-request-id")).to.equal("abc12345-trace");
    const replaced = await api.get("/health", { "X-Request-Id": "bad id\twith spaces" });
    expect(replaced.headers.get("x-request-id")).to.not.contain("bad");
  });

  it("serves an OpenAPI 3.1 document listing every registered route", async () => {
    const res = await api.get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>("/api/openapi.json");
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal("3.1.0");
    expect(res.body.paths["/health"]).to.have.property("get");
    const { registeredRoutes } = await import("../../backend/src/api/route.js");
    for (const r of registeredRoutes()) {
      const p = r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      expect(res.body.paths[p], `${r.method} ${r.path}`).to.have.property(r.method);
    }
  });
});
