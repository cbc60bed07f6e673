import { expect } from "chai";
import { apiErrorFromAnswer, idForStatus, parseRetryAfter } from "#shared/api/client.js";

describe("shared API client: error answers", () => {
  it("reads the error middleware's answer: id, message, Retry-After and the other members as details", () => {
    const err = apiErrorFromAnswer(
      422,
      JSON.stringify({ error: "mobile_required", message: "Needs a number", recipients: ["a@example.test"] }),
      "12",
    );
    expect(err.status).to.equal(422);
    expect(err.id).to.equal("mobile_required");
    expect(err.message).to.equal("Needs a number");
    expect(err.retryAfter).to.equal(12);
    expect(err.details).to.deep.equal({ recipients: ["a@example.test"] });
  });

  it("gives an answer without a known id (a proxy's page, another version) the id for its status", () => {
    const html = apiErrorFromAnswer(502, "<html>Bad gateway</html>", null);
    expect(html.id).to.equal("internal_error");
    expect(html.message).to.equal("Something went wrong on our side");
    expect(apiErrorFromAnswer(429, "", "5").id).to.equal("rate_limited");
    expect(apiErrorFromAnswer(404, JSON.stringify({ error: "no_such_id_yet" }), null).id).to.equal("not_found");
    expect(idForStatus(418)).to.equal("bad_request");
    expect(idForStatus(503)).to.equal("service_unavailable");
  });

  it("parses Retry-After as seconds or as an HTTP date, at least one second", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter(null, now)).to.equal(null);
    expect(parseRetryAfter("0", now)).to.equal(1);
    expect(parseRetryAfter("2.2", now)).to.equal(3);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:01:30 GMT", now)).to.equal(90);
    expect(parseRetryAfter("soon", now)).to.equal(null);
  });
});
