import { expect } from "chai";
import { findKuvertLink } from "../../../../addin/src/taskpane/readLink.js";
import { allAddresses } from "../../../../addin/src/taskpane/secureSend.js";

const base = "https://kuvert.example.se";
const id = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("task pane: finding the Kuvert link in a notification", () => {
  it("finds the message link the add-in writes, and a recipient link", () => {
    expect(findKuvertLink(`<p><a href="${base}/mailbox/inbox/${id}">Läs</a></p>`, base)).to.deep.equal({
      kind: "message",
      messageId: id,
      url: `${base}/mailbox/inbox/${id}`,
    });
    expect(
      findKuvertLink(`<a href='${base}/mailbox/sent/${id.toUpperCase()}?x=1&amp;y=2'>x</a>`, `${base}/`),
    ).to.deep.include({ kind: "message", messageId: id });
    expect(findKuvertLink(`<a href="${base}/r/AbC_-123">Läs</a>`, base)).to.deep.equal({
      kind: "recipient",
      url: `${base}/r/AbC_-123`,
    });
  });

  it("finds the shared link of an Outlook item the pane sent (/m/{token})", () => {
    const token = "A".repeat(40) + "b_-";
    expect(findKuvertLink(`<p><a href="${base}/m/${token}">Läs</a></p>`, base)).to.deep.equal({
      kind: "shared",
      token,
      url: `${base}/m/${token}`,
    });
    expect(findKuvertLink(`<a href="https://evil.example/m/${token}">x</a>`, base)).to.equal(null);
    expect(findKuvertLink(`<a href="${base}/m/short">x</a>`, base)).to.equal(null);
  });

  it("ignores links to other sites, look-alike hosts and other paths", () => {
    for (const html of [
      `<a href="https://evil.example/mailbox/inbox/${id}">x</a>`,
      `<a href="${base}.evil.example/r/abc">x</a>`,
      `<a href="${base}/mailbox/inbox/not-a-uuid">x</a>`,
      `<a href="${base}/settings">x</a>`,
      `${base}/r/abc (no link)`,
    ]) {
      expect(findKuvertLink(html, base), html).to.equal(null);
    }
  });
});

describe("task pane: recipients", () => {
  it("takes To, Cc and Bcc once each, case-insensitively, in order", () => {
    const r = (email: string) => ({ email, name: "" });
    expect(
      allAddresses({
        to: [r("A@x.se"), r(" b@x.se ")],
        cc: [r("a@x.se"), r("c@x.se")],
        bcc: [r("B@X.SE"), r("d@x.se"), r("")],
      }),
    ).to.deep.equal(["A@x.se", "b@x.se", "c@x.se", "d@x.se"]);
  });
});
