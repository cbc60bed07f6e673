import { expect } from "chai";
import { checkPasswordRules, passwordRulesOk } from "../../../backend/web/src/passwordRules.js";
import { safeNext } from "../../../backend/web/src/navigation.js";

describe("web app: password rules and sign-in redirect", () => {
  it("ticks off at least 8 characters and letters plus digits, as the server requires", () => {
    expect(checkPasswordRules("")).to.deep.equal([
      { id: "length", ok: false },
      { id: "lettersAndDigits", ok: false },
    ]);
    expect(checkPasswordRules("abcdefgh").map((r) => r.ok)).to.deep.equal([true, false]);
    expect(checkPasswordRules("12345678").map((r) => r.ok)).to.deep.equal([true, false]);
    expect(checkPasswordRules("åäö1").map((r) => r.ok)).to.deep.equal([false, true]);
    expect(passwordRulesOk("sommar2026")).to.equal(true);
    expect(passwordRulesOk("Ölandsbro9")).to.equal(true);
  });

  it("follows only same-site paths after sign-in", () => {
    expect(safeNext("/mailbox/inbox?q=x")).to.equal("/mailbox/inbox?q=x");
    expect(safeNext(null)).to.equal("/");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""]) {
      expect(safeNext(bad), bad).to.equal("/");
    }
  });
});
