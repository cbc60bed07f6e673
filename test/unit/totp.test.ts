import { expect } from "chai";
import speakeasy from "speakeasy";
import {
  base32Encode,
  generateTotpSecret,
  matchTotpStep,
  otpauthUri,
  totpCodeAt,
  totpCodeForStep,
  totpStep,
} from "../../backend/src/services/totp.js";

// RFC 6238 appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890", "ascii"));
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("services/totp", () => {
  it("encodes the RFC seed in base32 as authenticator apps expect", () => {
    expect(RFC_SECRET).to.equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });

  for (const [time, code] of RFC_VECTORS) {
    it(`passes the RFC 6238 SHA-1 vector at T=${time}`, () => {
      expect(totpCodeAt(RFC_SECRET, time, 8)).to.equal(code);
      expect(totpCodeForStep(RFC_SECRET, Math.floor(time / 30), 8)).to.equal(code);
    });
  }

  it("matches the RFC vector through the verifier at the vector's time", () => {
    expect(matchTotpStep(RFC_SECRET, "89005924", new Date(1234567890 * 1000), 8)).to.equal(Math.floor(1234567890 / 30));
  });

  describe("clock drift with a fake clock", () => {
    const secret = generateTotpSecret();
    const now = new Date(Date.UTC(2026, 10, 22, 12, 0, 15));
    const step = totpStep(now);

    it("accepts the current step and ±1 step", () => {
      for (const d of [-1, 0, 1]) {
        expect(matchTotpStep(secret, totpCodeForStep(secret, step + d), now), `drift ${d}`).to.equal(step + d);
      }
    });

    it("refuses ±2 steps", () => {
      for (const d of [-2, 2]) {
        const code = totpCodeForStep(secret, step + d);
        // Rare collision: the same 6 digits at a nearby step would legitimately match.
        const collides = [-1, 0, 1].some((n) => totpCodeForStep(secret, step + n) === code);
        if (!collides) expect(matchTotpStep(secret, code, now), `drift ${d}`).to.equal(null);
      }
    });

    it("agrees with an authenticator app (speakeasy at the app's clock) 30 s slow and 29 s fast", () => {
      for (const offset of [-30, 29]) {
        const code = speakeasy.totp({ secret, encoding: "base32", time: now.getTime() / 1000 + offset });
        expect(matchTotpStep(secret, code, now)).to.not.equal(null);
      }
      const farCode = speakeasy.totp({ secret, encoding: "base32", time: now.getTime() / 1000 + 75 });
      if (![-1, 0, 1].some((n) => totpCodeForStep(secret, step + n) === farCode))
        expect(matchTotpStep(secret, farCode, now)).to.equal(null);
    });

    it("refuses malformed codes", () => {
      expect(matchTotpStep(secret, "", now)).to.equal(null);
      expect(matchTotpStep(secret, "12345", now)).to.equal(null);
      expect(matchTotpStep(secret, "abcdef", now)).to.equal(null);
      expect(matchTotpStep(secret, totpCodeForStep(secret, step) + "0", now)).to.equal(null);
    });
  });

  it("makes 160-bit base32 secrets and an otpauth URI with explicit parameters", () => {
    const secret = generateTotpSecret();
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri(secret, "anna@example.test"));
    expect(uri.protocol).to.equal("otpauth:");
    expect(uri.searchParams.get("secret")).to.equal(secret);
    expect(uri.searchParams.get("issuer")).to.equal("Kuvert");
    expect(uri.searchParams.get("period")).to.equal("30");
    expect(uri.searchParams.get("digits")).to.equal("6");
    expect(uri.searchParams.get("algorithm")).to.equal("SHA1");
  });
});
