import { expect } from "chai";
import {
  cleanText,
  fillPlaceholders,
  placeholdersIn,
  validateTexts,
} from "../../backend/src/services/notificationTexts/texts.js";
import { AppError } from "../../backend/src/errors.js";

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("not refused");
}

describe("notification texts: cleaning and placeholders", () => {
  it("keeps line breaks in multi-line texts, drops control and bidi-override characters, one blank line at most", () => {
    expect(cleanText("Hej\r\n\r\n\r\n\r\nrad\u2028två\u0007\u202e  \n", true)).to.equal("Hej\n\nrad\ntvå");
    expect(cleanText("  Sundsvalls\n\tkommun  ", false)).to.equal("Sundsvalls kommun");
  });

  it("finds placeholders once each and fills only the given ones", () => {
    expect(placeholdersIn("{code} och {code} {minutes} { code } {}")).to.deep.equal(["code", "minutes"]);
    expect(fillPlaceholders("{code} {minutes} {other}", { code: "123456", minutes: "10" })).to.equal(
      "123456 10 {other}",
    );
  });

  it("empty means the default; refuses missing {code}, unknown placeholders, long texts", () => {
    expect(validateTexts({ intro: "  ", footer: null })).to.deep.equal({
      senderName: null,
      intro: null,
      footer: null,
      smsRecipientCode: null,
      smsIdCheck: null,
    });
    const missing = refusal(() => validateTexts({ smsIdCheck: "kod: {minutes}" }));
    expect(missing.id).to.equal("notification_placeholder_missing");
    expect(missing.status).to.equal(422);
    expect(missing.details).to.deep.include({ field: "smsIdCheck", placeholder: "code" });
    for (const [field, text] of [
      ["intro", "{subject}"],
      ["footer", "{text}"],
      ["intro", "{html}"],
      ["smsRecipientCode", "{code} {sender}"],
      ["intro", "{link}"],
    ])
      expect(refusal(() => validateTexts({ [field]: text })).id, text).to.equal("notification_placeholder_unknown");
    expect(refusal(() => validateTexts({ intro: "x".repeat(1001) })).id).to.equal("validation_error");
    expect(refusal(() => validateTexts({ senderName: 'Kuvert" <x@evil.example>' })).id).to.equal("validation_error");
    expect(validateTexts({ smsRecipientCode: "Koden {code}" }).smsRecipientCode).to.equal("Koden {code}");
  });
});
