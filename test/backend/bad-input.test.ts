import { expect } from "chai";
import { ApiClient } from "../support/server.js";
import { env } from "../../backend/src/env.js";
import { User } from "../../backend/src/models/User.js";

/** The edge rules every JSON route shares, exercised on a real route: POST /api/auth/login. */
describe("bad input at the edge", () => {
  let api: ApiClient;
  before(async () => {
    api = await ApiClient.create();
  });

  it("answers a body over the limit with 413 JSON", async () => {
    const big = JSON.stringify({ email: "a@example.test", password: "x".repeat(env().BODY_LIMIT_JSON + 10) });
    const res = await api.request("POST", "/api/auth/login", big, { "Content-Type": "application/json" });
    expect(res.status).to.equal(413);
    expect(res.body).to.deep.include({ error: "payload_too_large" });
  });

  it("answers a wrong content type with 415 JSON", async () => {
    const res = await api.request("POST", "/api/auth/login", "email=a@example.test&password=x", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(res.status).to.equal(415);
    expect(res.body.error).to.equal("unsupported_media_type");
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    const res = await api.request("POST", "/api/auth/login", '{"email": "a@example.test", "password":', {
      "Content-Type": "application/json",
    });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal("invalid_json");
  });

  it("answers a schema violation with 400 naming the field, and changes nothing", async () => {
    const before = await User.count();
    const res = await api.post("/api/auth/login", { email: "not-an-email", password: 12 });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.equal("validation_error");
    expect(res.body.message).to.match(/^(email|password)/);
    expect(await User.count()).to.equal(before);
  });

  it("answers a request line over Node's 16 KiB header limit with 431 JSON, not an empty body", async () => {
    const res = await api.get(`/api/auth/me?q=${"a".repeat(20_000)}`);
    expect(res.status).to.equal(431);
    expect(res.headers.get("content-type")).to.match(/application\/json/);
    expect(res.body).to.deep.include({ error: "request_headers_too_large" });
  });

  it("never answers 500 to a JSON array, null or a huge number", async () => {
    for (const body of ["[]", "null", "1e400", '"text"']) {
      const res = await api.request("POST", "/api/auth/login", body, { "Content-Type": "application/json" });
      expect(res.status, body).to.be.within(400, 499);
      expect(res.body.error, body).to.be.a("string");
    }
  });

  it("refuses a NUL character anywhere in a body with 400, on every database", async () => {
    for (const [path, body] of [
      ["/api/auth/login", { email: "\u0000", password: "x" }],
      ["/api/auth/login", { email: "a\u0000@example.test", password: "x" }],
      ["/api/auth/password-reset", { email: "\u0000" }],
    ] as const) {
      const res = await api.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).to.equal(400);
      expect(res.body).to.deep.include({ error: "validation_error" });
      expect(res.body.message).to.match(/^email: contains a NUL character/);
    }
  });

  it("answers a body nested thousands of levels deep with 4xx, and finds a NUL at its bottom", async () => {
    const deep = (depth: number, leaf: string) => `${'{"a":['.repeat(depth)}"${leaf}"${"]}".repeat(depth)}`;
    for (const leaf of ["x", "\\u0000"]) {
      const res = await api.request("POST", "/api/auth/login", deep(5000, leaf), {
        "Content-Type": "application/json",
      });
      expect(res.status, leaf).to.equal(400);
      expect(res.body.error, leaf).to.equal("validation_error");
    }
  });
});
