import { expect } from "chai";
import { maskPhone } from "../../../backend/src/services/phones.js";

describe("maskPhone: the one masked form of a phone number", () => {
  it("keeps the country calling code and the last two digits, with five bullets between", () => {
    expect(maskPhone("+46701234567")).to.equal("+46•••••67");
    expect(maskPhone("+4681234589")).to.equal("+46•••••89");
  });

  it("hides the length of the number and reads calling codes of any length", () => {
    expect(maskPhone("+12025550123")).to.equal("+1•••••23");
    expect(maskPhone("+358401234512")).to.equal("+358•••••12");
  });

  it("is null without a number", () => {
    expect(maskPhone(null)).to.equal(null);
    expect(maskPhone("")).to.equal(null);
  });
});
