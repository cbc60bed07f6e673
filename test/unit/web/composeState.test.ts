import { expect } from "chai";
import type { ComposeDefaults, Message } from "../../../backend/web/src/api/messages.js";
import {
  composeReducer,
  draftFields,
  expiresAt,
  initialComposeState,
  recipients,
  type ComposeAction,
  type ComposeState,
} from "../../../backend/web/src/pages/compose/composeState.js";

function run(state: ComposeState, ...actions: ComposeAction[]): ComposeState {
  return actions.reduce(composeReducer, state);
}

const orgDefaults: ComposeDefaults = {
  defaults: {
    idCheck: true,
    burnAfterReading: false,
    eyesOnly: false,
    readReceipt: true,
    notify: true,
    hideRecipients: false,
  },
  forced: ["idCheck"],
  defaultExpiryDays: 30,
  signature: "  ",
};

describe("web app composer: state transitions", () => {
  it("starts empty with notify on and the To field from the link", () => {
    const s = initialComposeState("anna@example.se");
    expect(s.to).to.equal("anna@example.se");
    expect(s.options.notify).to.equal(true);
    expect(s.options.idCheck).to.equal(false);
    expect([s.busy, s.draftNotice, s.expires]).to.deep.equal([false, false, false]);
  });

  it("takes the organisation's defaults, forced functions and expiry; a blank signature is none", () => {
    const s = run(initialComposeState(), {
      type: "defaultsLoaded",
      defaults: orgDefaults,
      expiryDate: "2027-01-31",
      isDraft: false,
    });
    expect(s.options).to.include({ idCheck: true, readReceipt: true, notify: true });
    expect(s.forced).to.deep.equal(["idCheck"]);
    expect([s.expires, s.expiryDate]).to.deep.equal([true, "2027-01-31"]);
    expect(s.signature).to.equal(null);
  });

  it("keeps a reopened draft's own choices when the defaults arrive", () => {
    const s = run(initialComposeState(), {
      type: "defaultsLoaded",
      defaults: { ...orgDefaults, signature: "Anna\nKommunen" },
      expiryDate: "2027-01-31",
      isDraft: true,
    });
    expect(s.options.idCheck).to.equal(false);
    expect(s.expires).to.equal(false);
    expect(s.forced).to.deep.equal(["idCheck"]);
    expect(s.signature).to.equal("Anna\nKommunen");
  });

  it("hides the 'draft saved' notice on any edit of what would be sent, not on an upload", () => {
    const saved = run(initialComposeState(), { type: "submitted" }, { type: "draftSaved" });
    expect([saved.draftNotice, saved.busy]).to.deep.equal([true, false]);
    const upload = { key: "u1", name: "a.pdf", size: 10, sent: 0, status: "uploading" as const };
    expect(run(saved, { type: "uploadAdded", upload }).draftNotice).to.equal(true);
    const edits: ComposeAction[] = [
      { type: "toChanged", to: "b@example.se" },
      { type: "subjectChanged", subject: "Hej" },
      { type: "bodyChanged", body: { html: "<p>x</p>", text: "x" } },
      { type: "textAppended", text: "Mvh", html: "<p>Mvh</p>" },
      { type: "optionChanged", key: "eyesOnly", on: true },
      { type: "expiresChanged", on: true },
      { type: "expiryDateChanged", date: "2027-02-01" },
    ];
    for (const edit of edits) expect(run(saved, edit).draftNotice, edit.type).to.equal(false);
    // The editor reporting the same HTML again is no edit.
    expect(run(saved, { type: "bodyChanged", body: { html: "", text: "" } }).draftNotice).to.equal(true);
  });

  it("appends a template below the text, as its own paragraph, and tells the editor to reload", () => {
    let s = run(initialComposeState(), { type: "textAppended", text: "Hej", html: "<p>Hej</p>" });
    expect(s.body).to.deep.equal({ html: "<p>Hej</p>", text: "Hej" });
    s = run(s, { type: "textAppended", text: "Mvh", html: "<p>Mvh</p>" });
    expect(s.body).to.deep.equal({ html: "<p>Hej</p><p>Mvh</p>", text: "Hej\n\nMvh" });
    expect(s.bodyRevision).to.equal(2);
  });

  it("asks for mobiles, keeps what is typed, and forgets the question when the recipients change", () => {
    let s = run(initialComposeState("ny@example.se"), { type: "submitted" });
    expect(s.busy).to.equal(true);
    s = run(s, { type: "mobilesNeeded", emails: ["ny@example.se"] });
    expect([s.busy, s.needMobile]).to.deep.equal([false, ["ny@example.se"]]);
    s = run(s, { type: "mobileChanged", email: "ny@example.se", mobile: " +46701234567 " });
    expect(recipients(["ny@example.se", "b@example.se"], s.mobiles)).to.deep.equal([
      { email: "ny@example.se", mobile: "+46701234567" },
      { email: "b@example.se", mobile: null },
    ]);
    s = run(s, { type: "toChanged", to: "ny@example.se, c@example.se" });
    expect(s.needMobile).to.deep.equal([]);
    expect(s.mobiles).to.deep.equal({ "ny@example.se": " +46701234567 " });
  });

  it("tracks an upload from start to done, cancelled or removed", () => {
    const upload = { key: "u1", name: "a.pdf", size: 10, sent: 0, status: "uploading" as const };
    let s = run(initialComposeState(), { type: "uploadAdded", upload });
    s = run(s, { type: "uploadChanged", key: "u1", patch: { sent: 4 } });
    expect(s.uploads[0]).to.include({ sent: 4, status: "uploading" });
    s = run(s, { type: "uploadChanged", key: "u1", patch: { status: "done", sent: 10, attachmentId: "att1" } });
    expect(s.uploads[0]).to.include({ status: "done", attachmentId: "att1" });
    s = run(s, { type: "uploadAdded", upload: { ...upload, key: "u2" } }, { type: "uploadRemoved", key: "u1" });
    expect(s.uploads.map((u) => u.key)).to.deep.equal(["u2"]);
  });

  it("shows a failure and frees the buttons; a new attempt clears it", () => {
    const err = new Error("boom");
    let s = run(initialComposeState(), { type: "submitted" }, { type: "failed", error: err });
    expect([s.busy, s.error]).to.deep.equal([false, err]);
    s = run(s, { type: "submitted" });
    expect([s.busy, s.error]).to.deep.equal([true, null]);
    s = run(s, { type: "loadFailed", error: err }, { type: "toChecked", error: "Skriv en mottagare." });
    expect([s.loadError, s.toError]).to.deep.equal([err, "Skriv en mottagare."]);
  });

  it("fills the composer from a reopened draft, its saved options and expiry included", () => {
    const draft = {
      subject: "Beslut",
      text: "Hej\n\nSe bilagan",
      html: null,
      draftTo: [
        { email: "a@example.se", mobile: "+46701234567" },
        { email: "b@example.se", mobile: null },
      ],
      draftOptions: { eyesOnly: true, notify: false, expiresAt: "2027-03-01T22:59:59.000Z" },
      attachments: [{ id: "att1", name: "beslut.pdf", size: 2048 }],
    } as unknown as Message;
    const fields = draftFields(draft, (text) => `<p>${text}</p>`);
    expect(fields.to).to.equal("a@example.se, b@example.se");
    expect(fields.mobiles).to.deep.equal({ "a@example.se": "+46701234567" });
    expect(fields.body).to.deep.equal({ html: "<p>Hej\n\nSe bilagan</p>", text: "Hej\n\nSe bilagan" });
    const s = run(initialComposeState(), { type: "draftLoaded", draft: fields });
    expect(s.subject).to.equal("Beslut");
    expect(s.options).to.include({ eyesOnly: true, notify: false, idCheck: false });
    expect([s.expires, s.expiryDate]).to.deep.equal([true, "2027-03-01"]);
    expect(s.uploads).to.deep.equal([
      { key: "att1", name: "beslut.pdf", size: 2048, sent: 2048, status: "done", attachmentId: "att1" },
    ]);
    expect(s.bodyRevision).to.equal(1);
  });

  it("takes the sender and a prefixed subject from the message replied to", () => {
    const s = run(initialComposeState("x@example.se"), { type: "replyLoaded", to: null, subject: "SV: Fråga" });
    expect([s.to, s.subject]).to.deep.equal(["x@example.se", "SV: Fråga"]);
    expect(run(s, { type: "replyLoaded", to: "anna@example.se", subject: "SV: Fråga" }).to).to.equal("anna@example.se");
  });

  it("sends the expiry as the end of the chosen day, and none when it is off or has no date", () => {
    expect(expiresAt({ expires: true, expiryDate: "2027-03-01" })).to.equal(
      new Date("2027-03-01T23:59:59").toISOString(),
    );
    expect(expiresAt({ expires: false, expiryDate: "2027-03-01" })).to.equal(null);
    expect(expiresAt({ expires: true, expiryDate: "" })).to.equal(null);
  });
});
