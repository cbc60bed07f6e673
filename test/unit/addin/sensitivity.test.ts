import { expect } from "chai";
import {
  checkMessage,
  checkSubject,
  compileKeywords,
  findIdentityNumbers,
  findKeywords,
  htmlToText,
  luhnValid,
  parseIdentityNumber,
} from "#shared/sensitivity.js";

describe("add-in sensitivity detection", () => {
  describe("personal identity numbers", () => {
    it("accepts valid numbers in every written form", () => {
      for (const s of ["811218-9876", "8112189876", "19811218-9876", "198112189876", "19121212-1212", "121212+1212"]) {
        expect(parseIdentityNumber(s), s).to.include({ kind: "personal_identity_number" });
      }
      expect(parseIdentityNumber("19811218-9876")?.masked).to.equal("811218-****");
    });

    it("recognises coordination numbers (day + 60)", () => {
      expect(parseIdentityNumber("701063-2391")).to.include({ kind: "coordination_number" });
      expect(parseIdentityNumber("19701063-2391")).to.include({ kind: "coordination_number" });
    });

    it("rejects a wrong check digit, an impossible date or century", () => {
      expect(parseIdentityNumber("811218-9875")).to.equal(null); // Luhn
      expect(parseIdentityNumber("811318-9876")).to.equal(null); // month 13
      expect(parseIdentityNumber("810230-1234")).to.equal(null); // 30 February
      expect(parseIdentityNumber("701093-2391")).to.equal(null); // coordination day 33
      expect(parseIdentityNumber("21811218-9876")).to.equal(null); // century 21
      expect(parseIdentityNumber("81121-89876")).to.equal(null);
    });

    it("accepts 29 February only in a leap year", () => {
      // 000229: 2000 is a leap year, so valid whatever the serial's check digit makes it
      const serial = ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0000"].find((s) =>
        luhnValid(`000229${s}`),
      )!;
      expect(parseIdentityNumber(`20000229-${serial}`)).not.to.equal(null);
      expect(parseIdentityNumber(`19000229-${serial}`)).to.equal(null);
    });

    it("implements the Luhn check", () => {
      expect(luhnValid("8112189876")).to.equal(true);
      expect(luhnValid("79927398713")).to.equal(true);
      expect(luhnValid("79927398710")).to.equal(false);
      expect(luhnValid("12a4")).to.equal(false);
    });

    it("finds numbers in running text, also with Word's dashes", () => {
      const text = "Gäller 811218-9876, även 19121212\u20131212 och (701063-2391).";
      expect(findIdentityNumbers(text).map((n) => n.digits)).to.deep.equal(["8112189876", "1212121212", "7010632391"]);
    });

    it("does not match phone numbers, order numbers, dates or digits inside longer numbers", () => {
      const harmless = [
        "Ring 070-123 45 67 eller 08-555 123 45",
        "Order 20231301-0001 levereras", // month 13
        "Faktura 4711-811218-9876", // preceded by a dash: part of a longer reference
        "Konto 12811218987634",
        "Möte 2024-05-14 kl 10",
        "IBAN SE45 5000 0000 0583 9825 7466",
        "Ärende 811218-9875", // wrong check digit
      ];
      for (const text of harmless) expect(findIdentityNumbers(text), text).to.deep.equal([]);
    });
  });

  describe("keywords", () => {
    it("finds Swedish health and social words, also in compounds and inflections", () => {
      expect(findKeywords("Bifogar patientjournalen")).to.include("patientjournal*");
      expect(findKeywords("hjärtsjukdomen har förvärrats")).to.include("*sjukdom*");
      expect(findKeywords("Sjukskrivningen förlängs")).to.include("sjukskriv*");
      expect(findKeywords("Beslut enligt LVU")).to.include("lvu");
      expect(findKeywords("OROSANMÄLAN inkommen")).to.include("orosanmälan*");
      expect(findKeywords("ansökan om ekonomiskt  bistånd")).to.include("ekonomiskt bistånd*");
      expect(findKeywords("bröstcancer")).to.include("*cancer*");
    });

    it("finds English words", () => {
      expect(findKeywords("Please see the attached Medical Records")).to.include("medical record*");
      expect(findKeywords("He was diagnosed last week")).to.include("diagnos*");
      expect(findKeywords("referral to child protection")).to.include("child protection");
    });

    it("does not flag everyday words", () => {
      const harmless = [
        "Remissvar om detaljplanen", // remiss: legislative consultation
        "Behandling av personuppgifter enligt GDPR",
        "Beroende på vädret flyttar vi mötet",
        "Journalisten ringde om pressmeddelandet",
        "Vi ses på lunchen",
        "Sol och bad i Lysekil", // 'sol' is not a keyword
        "The plan was illustrated in the slides",
        "slvu and lssx are not words we look for",
      ];
      for (const text of harmless) expect(findKeywords(text), text).to.deep.equal([]);
    });

    it("takes organisation keywords, with the same wildcard syntax", () => {
      expect(findKeywords("Ärende om Projekt Falken", { extraKeywords: ["projekt falken"] })).to.deep.equal([
        "projekt falken",
      ]);
      expect(findKeywords("hemlighetsmakeri", { extraKeywords: ["hemlig*"] })).to.deep.equal(["hemlig*"]);
      expect(findKeywords("ohemlig", { extraKeywords: ["hemlig*"] })).to.deep.equal([]);
      expect(findKeywords("diagnos", { keywords: ["foo"] })).to.deep.equal([]);
      expect(compileKeywords(["", " ", "*", "a", "ok", "OK"]).entries.map((e) => e.keyword)).to.deep.equal(["ok"]);
    });
  });

  describe("HTML bodies", () => {
    it("reads text across inline tags and entities but not across cells or in styles", () => {
      expect(htmlToText("<p>Pnr 811218-<span>9876</span></p>")).to.contain("811218-9876");
      expect(htmlToText("811218&#45;9876 &amp; &lt;b&gt; &nbsp;x")).to.equal("811218-9876 & <b>  x");
      expect(htmlToText("<table><tr><td>811218</td><td>9876</td></tr></table>")).not.to.contain("8112189876");
      expect(htmlToText("<style>.diagnos{}</style><!-- sjukdom --><b>hej</b>").trim()).to.equal("hej");
    });
  });

  describe("reports", () => {
    it("F2: flags a subject with a personal identity number or a health word", () => {
      expect(checkSubject("Angående 19811218-9876").findings).to.deep.equal([
        { kind: "personal_identity_number", location: "subject", match: "811218-****" },
      ]);
      expect(checkSubject("Läkarintyg för mars").sensitive).to.equal(true);
      expect(checkSubject("Protokoll styrelsemöte 2024-05-14").sensitive).to.equal(false);
    });

    it("Smart Alerts: checks subject, HTML body and attachment names", () => {
      const r = checkMessage({
        subject: "Underlag",
        bodyHtml: "<div>Se bilagan om <b>811218-9876</b></div>",
        attachmentNames: ["journal_19121212-1212.pdf", "sick_leave_note.docx", "agenda.pdf"],
      });
      expect(r.sensitive).to.equal(true);
      expect(r.findings).to.deep.equal([
        { kind: "personal_identity_number", location: "body", match: "811218-****" },
        {
          kind: "personal_identity_number",
          location: "attachment_name",
          match: "121212-****",
          attachmentName: "journal_19121212-1212.pdf",
        },
        { kind: "keyword", location: "attachment_name", match: "sick leave", attachmentName: "sick_leave_note.docx" },
      ]);
    });

    it("lets a harmless message through", () => {
      const r = checkMessage({
        subject: "Lunch på fredag?",
        bodyHtml: "<p>Hej! Ses vi 12.00? Ring 070-123 45 67.</p>",
        attachmentNames: ["meny-2024-05-14.pdf"],
      });
      expect(r).to.deep.equal({ sensitive: false, findings: [] });
    });
  });
});
