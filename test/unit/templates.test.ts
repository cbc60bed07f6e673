import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { plainName, renderEmail, renderSms, templatesDir } from "../../backend/src/services/templates.js";

describe("templates", () => {
  const emailFiles = fs.readdirSync(path.join(templatesDir, "email")).filter((f) => !f.startsWith("_"));
  const emailNames = [...new Set(emailFiles.map((f) => f.split(".")[0]))];
  const smsNames = [...new Set(fs.readdirSync(path.join(templatesDir, "sms")).map((f) => f.split(".")[0]))];

  it("has every e-mail template in Swedish and English with subject, text and HTML", () => {
    expect(emailNames).to.include("notification");
    for (const name of emailNames) {
      for (const locale of ["sv", "en"]) {
        for (const part of ["subject", "txt", "html"]) {
          expect(emailFiles, `${name}.${locale}.${part}.njk`).to.include(`${name}.${locale}.${part}.njk`);
        }
      }
    }
  });

  it("has every SMS template in Swedish and English", () => {
    const files = fs.readdirSync(path.join(templatesDir, "sms"));
    for (const name of smsNames)
      for (const locale of ["sv", "en"]) expect(files).to.include(`${name}.${locale}.txt.njk`);
  });

  it("escapes variables in HTML but not in the text part or subject", () => {
    const r = renderEmail("notification", "en", {
      link: "https://k.test/r/a?b=1&c=2",
      senderName: '<script>alert("x")</script>',
    });
    expect(r.html).to.not.contain("<script>");
    expect(r.html).to.contain("&lt;script&gt;");
    expect(r.html).to.contain("https://k.test/r/a?b=1&amp;c=2");
    expect(r.text).to.contain('<script>alert("x")</script>');
    expect(r.text).to.contain("https://k.test/r/a?b=1&c=2");
    expect(r.subject).to.equal("You have received a secure message");
  });

  it("fails loudly on a missing variable instead of sending a broken mail", () => {
    expect(() => renderEmail("notification", "sv", {})).to.throw(/notification.sv.*undefined/s);
    expect(() => renderSms("code", "sv", { code: "123456" })).to.throw(/code.sv.*undefined/s);
  });

  it("keeps subjects on one line", () => {
    const r = renderEmail("notification", "sv", { link: "x", subject: "Rad ett\r\nBcc: evil@example.test" });
    expect(r.subject).to.not.match(/[\r\n]/);
  });

  it("puts every user-supplied name through plainName", () => {
    for (const file of emailFiles) {
      const source = fs.readFileSync(path.join(templatesDir, "email", file), "utf8");
      expect(source, file).to.not.match(/\{\{\s*(name|senderName|reader)\s*\}\}/);
    }
  });
  it("plainName drops line breaks and web addresses, keeps names and e-mail addresses", () => {
    expect(
      plainName("Eva Ek\r\nLog in: https://evil.example/x?y=1 or www.evil.example or evil.example/login"),
    ).to.equal("Eva Ek Log in: or or");
    expect(plainName("J.Smith\u2028Dr. Åsa Öberg")).to.equal("J.Smith Dr. Åsa Öberg");
    expect(plainName("Anna Berg <anna@kommun.example.se>")).to.equal("Anna Berg <anna@kommun.example.se>");
    expect(plainName(null)).to.equal("");
  });
});
