import { expect } from "chai";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import "../../support/secondFactor.js";
import { registeredRoutes } from "../../../backend/src/api/route.js";

const mine =
  /^\/api\/(account(\/(2fa|backup-codes|phones|export)|$)|auth\/(second-factor\/sms|password-reset|recovery))/;
const bodies: unknown[] = [
  {},
  [],
  "x",
  42,
  null,
  { code: 123 },
  { code: null, method: "totp" },
  { method: "nope", code: "1" },
  { smsCode: ["1"] },
  { mobile: {}, name: 1 },
  { email: "a".repeat(5000) },
  { autoReply: "on" },
  { password: 1 },
];

describe("second-factor routes: bad input is a 4xx, never a 500", () => {
  it("answers every malformed body with a JSON 4xx", async function () {
    this.timeout(120_000);
    const user = await buildUser();
    const api = await signIn(user);
    const routes = registeredRoutes().filter((r) => mine.test(r.path) && r.method !== "get");
    expect(routes.length).to.be.greaterThan(15);
    for (const r of routes) {
      const path = r.path.replace(":id", "not-a-uuid");
      for (const body of bodies) {
        const res = await api.request(r.method.toUpperCase(), path, JSON.stringify(body), {
          "Content-Type": "application/json",
        });
        const label = `${r.method} ${path} ${JSON.stringify(body).slice(0, 40)}: ${res.text.slice(0, 200)}`;
        expect(res.status, label).to.be.below(500);
        // Routes without a body (or PATCH {} = no change) may succeed; everything else is a JSON 4xx.
        if (r.body && !(r.method === "patch" && JSON.stringify(body) === "{}"))
          expect(res.status, label).to.be.within(400, 499);
        if (res.status >= 400) expect(res.body, label).to.have.property("error");
      }
      const wrongType = await api.request(r.method.toUpperCase(), path, "code=1", {
        "Content-Type": "application/x-www-form-urlencoded",
      });
      if (r.body) expect(wrongType.status, `${r.method} ${path} form body`).to.be.within(400, 499);
    }
  });
});
