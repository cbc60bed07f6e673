import { expect } from "chai";
import {
  describeDevice,
  fromDateInput,
  groupSecret,
  toDateInput,
} from "../../../backend/web/src/pages/settings/format.js";

describe("web app settings: formatting helpers", () => {
  it("names common browsers and systems from the User-Agent, and nothing from junk", () => {
    expect(
      describeDevice(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).to.deep.equal({ browser: "Edge", os: "Windows" });
    expect(
      describeDevice(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).to.deep.equal({ browser: "Safari", os: "iOS" });
    expect(describeDevice("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).to.deep.equal({
      browser: "Firefox",
      os: "Linux",
    });
    expect(
      describeDevice(
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
      ),
    ).to.deep.equal({ browser: "Chrome", os: "Android" });
    expect(describeDevice("<script>")).to.deep.equal({ browser: null, os: null });
    expect(describeDevice(null)).to.deep.equal({ browser: null, os: null });
  });

  it("groups a base32 secret in fours", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPJBSW")).to.equal("JBSW Y3DP EHPK 3PXP JBSW");
  });

  it("turns date fields into the start and end of local days and back", () => {
    expect(fromDateInput("2027-07-10")).to.equal(new Date(2027, 6, 10).toISOString());
    expect(fromDateInput("2027-07-30", true)).to.equal(new Date(2027, 6, 30, 23, 59, 59).toISOString());
    expect(fromDateInput("")).to.equal(null);
    expect(fromDateInput("30/07/2027")).to.equal(null);
    expect(toDateInput(new Date(2027, 6, 30, 23, 59, 59).toISOString())).to.equal("2027-07-30");
    expect(toDateInput(null)).to.equal("");
    expect(toDateInput("not a date")).to.equal("");
  });
});
