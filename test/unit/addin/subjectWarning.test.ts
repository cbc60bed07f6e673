import { expect } from "chai";
import { checkSubjectRule } from "#shared/subjectWarning.js";
import { describeFinding, languageOf, listFindings } from "#shared/findingText.js";

describe("add-in subject warning (F2)", () => {
  it("warns about a personal identity number in the subject, in Swedish by default", () => {
    const r = checkSubjectRule("Utredning 19811218-9876");
    expect(r.level).to.equal("warn");
    expect(r.message).to.equal(
      "Ämnesraden syns utanför det säkra meddelandet och ser ut att innehålla ett personnummer. Skriv ett ämne utan personuppgifter.",
    );
    expect(r.message).not.to.contain("9876");
  });

  it("forbids it when the organisation says so, in English for an English UI", () => {
    const r = checkSubjectRule("Sick leave for 811218-9876", { mode: "forbid" }, languageOf("en-GB"));
    expect(r.level).to.equal("forbid");
    expect(r.message).to.equal(
      "The subject seems to contain a personal identity number, the word “sick leave”. Your organisation does not allow personal data in the subject: change it to send.",
    );
  });

  it("uses organisation keywords and can be switched off", () => {
    expect(checkSubjectRule("Projekt Falken", { mode: "warn", keywords: ["projekt falken"] }).level).to.equal("warn");
    expect(checkSubjectRule("Projekt Falken", { mode: "warn" }).level).to.equal("ok");
    expect(checkSubjectRule("811218-9876", { mode: "off" })).to.deep.equal({
      level: "ok",
      findings: [],
      message: null,
    });
  });

  it("lets ordinary subjects through", () => {
    for (const s of ["Kallelse till möte 14/5", "Faktura 2024-0012", "Re: Remissvar detaljplan", ""]) {
      expect(checkSubjectRule(s, { mode: "forbid" }), s).to.deep.equal({ level: "ok", findings: [], message: null });
    }
  });

  it("words findings in both languages", () => {
    const f = {
      kind: "coordination_number" as const,
      location: "attachment_name" as const,
      match: "701063-****",
      attachmentName: "a.pdf",
    };
    expect(describeFinding(f, "sv")).to.equal("ett samordningsnummer i bilagans namn ”a.pdf”");
    expect(describeFinding(f, "en", false)).to.equal("a coordination number");
    expect(listFindings([f, f, { ...f, attachmentName: "b.pdf" }], "en", { max: 1 })).to.equal(
      "a coordination number in the attachment name “a.pdf” and 1 more",
    );
    expect(languageOf("sv-SE")).to.equal("sv");
    expect(languageOf("fi-FI")).to.equal("en");
  });
});
