import { expect } from "chai";
import {
  parseMessageContent,
  parseMessageContentJson,
  serializeMessageContent,
  type MessageContent,
} from "#shared/messageContent.js";

const valid: MessageContent = {
  v: 1,
  subject: "Beslut",
  bodyText: "Hej",
  bodyHtml: null,
  attachments: [{ id: "a1", name: "beslut.pdf", type: "application/pdf", size: 10 }],
  options: { readReceipt: true },
};

describe("message content schema (shared by the backend and the browser)", () => {
  it("accepts v1 content, defaults missing options, drops unknown members, serializes in a fixed order", () => {
    const { options: _o, ...withoutOptions } = valid;
    expect(parseMessageContent({ ...withoutOptions, extra: 1 })).to.deep.equal({ ...withoutOptions, options: {} });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(valid).reverse()));
    expect(serializeMessageContent(parseMessageContentJson(reordered))).to.equal(
      '{"v":1,"subject":"Beslut","bodyText":"Hej","bodyHtml":null,' +
        '"attachments":[{"id":"a1","name":"beslut.pdf","type":"application/pdf","size":10}],"options":{"readReceipt":true}}',
    );
  });

  it("refuses each malformed field with an error naming it", () => {
    const a = valid.attachments[0];
    const cases: [unknown, RegExp][] = [
      [null, /content: /],
      [[], /content: /],
      [{ ...valid, v: 2 }, /content: v:/],
      [{ ...valid, subject: 1 }, /content: subject:/],
      [{ ...valid, bodyText: undefined }, /content: bodyText:/],
      [{ ...valid, bodyHtml: 5 }, /content: bodyHtml:/],
      [{ ...valid, attachments: {} }, /content: attachments:/],
      [{ ...valid, attachments: [{ ...a, id: "a/1" }] }, /content: attachments\.0\.id:/],
      [{ ...valid, attachments: [{ ...a, id: "x".repeat(65) }] }, /content: attachments\.0\.id:/],
      [{ ...valid, attachments: [a, { ...a }] }, /content: attachments: attachment ids must be unique/],
      [{ ...valid, attachments: [{ ...a, name: null }] }, /content: attachments\.0\.name:/],
      [{ ...valid, attachments: [{ ...a, type: 3 }] }, /content: attachments\.0\.type:/],
      [{ ...valid, attachments: [{ ...a, size: -1 }] }, /content: attachments\.0\.size:/],
      [{ ...valid, attachments: [{ ...a, size: 1.5 }] }, /content: attachments\.0\.size:/],
      [{ ...valid, attachments: [{ ...a, size: 2 ** 53 }] }, /content: attachments\.0\.size:/],
      [{ ...valid, options: [] }, /content: options:/],
    ];
    for (const [value, message] of cases) {
      expect(() => parseMessageContent(value), JSON.stringify(value)).to.throw(Error, message);
    }
    expect(() => parseMessageContentJson("{")).to.throw(Error, "content: not JSON");
  });
});
