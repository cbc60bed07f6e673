import { expect } from "chai";
import { createOfficeAdapter, OfficeApiError } from "../../../addin/src/office/adapter.js";
import { FakeComposeItem, FakeReadItem, fakeOffice } from "../../support/fakeOffice.js";

async function rejection(p: Promise<unknown>): Promise<OfficeApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(OfficeApiError);
    return err as OfficeApiError;
  }
  throw new Error("expected the promise to reject");
}

function composeItem(): FakeComposeItem {
  const item = new FakeComposeItem();
  item.toList = [
    { emailAddress: "anna@example.se", displayName: "Anna Andersson" },
    { emailAddress: "bo@example.se", displayName: "" },
  ];
  item.ccList = [{ emailAddress: "cc@example.se", displayName: "Cecilia" }];
  item.bccList = [{ emailAddress: "hidden@example.se", displayName: "Hidden" }];
  item.subjectText = "Kallelse";
  item.bodyHtml = "<p>Hej Anna</p>";
  item.attachmentList = [
    { id: "att-1", name: "kallelse.pdf", content: Buffer.from("%PDF-1.7 test").toString("base64") },
    { id: "att-2", name: "logo.png", content: Buffer.from("png").toString("base64"), isInline: true },
  ];
  return item;
}

describe("add-in Office adapter (against a fake Office)", () => {
  describe("compose mode", () => {
    it("reads recipients (to/cc/bcc), subject, HTML body and attachments", async () => {
      const office = createOfficeAdapter(fakeOffice(composeItem()));
      expect(office.mode()).to.equal("compose");
      expect(await office.getRecipients()).to.deep.equal({
        to: [
          { email: "anna@example.se", name: "Anna Andersson" },
          { email: "bo@example.se", name: "" },
        ],
        cc: [{ email: "cc@example.se", name: "Cecilia" }],
        bcc: [{ email: "hidden@example.se", name: "Hidden" }],
      });
      expect(await office.getSubject()).to.equal("Kallelse");
      expect(await office.getBodyHtml()).to.equal("<p>Hej Anna</p>");
      expect(await office.getAttachments()).to.deep.equal([
        { id: "att-1", name: "kallelse.pdf", size: 13, kind: "file", isInline: false, contentType: null },
        { id: "att-2", name: "logo.png", size: 3, kind: "file", isInline: true, contentType: null },
      ]);
      const content = await office.getAttachmentContent("att-1");
      expect(content.format).to.equal("base64");
      expect(Buffer.from(content.content, "base64").toString()).to.equal("%PDF-1.7 test");
    });

    it("turns the draft into a notification: subject, body, attachments, recipients, save", async () => {
      const item = composeItem();
      const office = createOfficeAdapter(fakeOffice(item));
      await office.setSubject("Du har fått ett säkert meddelande");
      await office.setBodyHtml('<p>Läs meddelandet: <a href="https://kuvert.test/r/abc">Läs</a></p>');
      await office.removeAttachment("att-1");
      await office.addRecipients("cc", [{ email: "ny@example.se", name: "" }]);
      await office.setRecipients("bcc", []);
      expect(await office.save()).to.equal("AAMkADraft=");
      expect(item.subjectText).to.equal("Du har fått ett säkert meddelande");
      expect(item.bodyHtml).to.contain("https://kuvert.test/r/abc");
      expect(item.attachmentList.map((a) => a.id)).to.deep.equal(["att-2"]);
      expect(item.ccList.map((r) => r.emailAddress)).to.deep.equal(["cc@example.se", "ny@example.se"]);
      expect(item.ccList[1].displayName).to.equal("ny@example.se");
      expect(item.bccList).to.deep.equal([]);
      expect(item.saved).to.equal(1);
    });

    it("sends only where Outlook supports Mailbox 1.15 (asked with isSetSupported, not by probing sendAsync)", async () => {
      const old = createOfficeAdapter(fakeOffice(composeItem(), { mailbox: "1.12" }));
      expect(old.canSend()).to.equal(false);
      const err = await rejection(old.send());
      expect(err.officeName).to.equal("NotSupported");

      const item = new FakeComposeItem({ canSend: true });
      const modern = createOfficeAdapter(fakeOffice(item));
      expect(modern.canSend()).to.equal(true);
      await modern.send();
      expect(item.sent).to.equal(true);
    });

    it("rejects with Office's error code and leaves the draft as it was", async () => {
      const item = composeItem();
      item.failures["body.setAsync"] = { code: 9000, name: "InternalServerError", message: "boom" };
      const office = createOfficeAdapter(fakeOffice(item));
      const err = await rejection(office.setBodyHtml("<p>x</p>"));
      expect(err.code).to.equal(9000);
      expect(err.operation).to.equal("body.setAsync");
      expect(err.message).to.contain("boom");
      expect(item.bodyHtml).to.equal("<p>Hej Anna</p>");
      const missing = await rejection(office.removeAttachment("nope"));
      expect(missing.officeName).to.equal("InvalidAttachmentId");
      expect(item.attachmentList).to.have.length(2);
    });

    it("turns a synchronous throw inside Office.js into a rejection", async () => {
      class ThrowingItem extends FakeComposeItem {
        override get subject() {
          return {
            getAsync: () => {
              throw new Error("Office is not ready");
            },
            setAsync: () => undefined,
          };
        }
      }
      const office = createOfficeAdapter(fakeOffice(new ThrowingItem()));
      const err = await rejection(office.getSubject());
      expect(err.officeName).to.equal("Exception");
      expect(err.message).to.contain("Office is not ready");
    });
  });

  describe("read mode", () => {
    it("reads recipients, subject, body and attachments of an opened message", async () => {
      const item = new FakeReadItem();
      item.to = [{ emailAddress: "staff@org.se", displayName: "Staff" }];
      item.subject = "Nytt säkert meddelande";
      item.bodyHtml = "<p>Läs: https://kuvert.test/r/xyz</p>";
      item.attachments = [
        { id: "r1", name: "a.txt", size: 1, attachmentType: "file", isInline: false, contentType: "text/plain" },
      ];
      item.contents.set("r1", "YQ==");
      const office = createOfficeAdapter(fakeOffice(item));
      expect(office.mode()).to.equal("read");
      expect(await office.getRecipients()).to.deep.equal({
        to: [{ email: "staff@org.se", name: "Staff" }],
        cc: [],
        bcc: [],
      });
      expect(await office.getSubject()).to.equal("Nytt säkert meddelande");
      expect(await office.getBodyHtml()).to.contain("/r/xyz");
      expect((await office.getAttachments())[0]).to.include({ id: "r1", contentType: "text/plain" });
      expect(await office.getAttachmentContent("r1")).to.deep.equal({ format: "base64", content: "YQ==" });
    });

    it("refuses compose-only changes on a read item", async () => {
      const office = createOfficeAdapter(fakeOffice(new FakeReadItem()));
      expect((await rejection(office.setSubject("x"))).officeName).to.equal("NotCompose");
      expect(() => office.canSend()).not.to.throw();
      expect(office.canSend()).to.equal(false);
    });

    it("reports no item when none is open", async () => {
      const office = createOfficeAdapter(fakeOffice(null));
      expect(office.mode()).to.equal("none");
      expect((await rejection(office.getSubject())).officeName).to.equal("NoItem");
    });
  });

  describe("sign-in dialog", () => {
    it("opens the dialog and hands over the message it posts", async () => {
      const fake = fakeOffice(new FakeComposeItem());
      const office = createOfficeAdapter(fake);
      const dialog = await office.openDialog("https://kuvert.test/addin/signin.html");
      expect(fake.dialogs).to.have.length(1);
      const next = dialog.nextMessage();
      fake.dialogs[0].post('{"token":"t"}');
      expect(await next).to.equal('{"token":"t"}');
      dialog.close();
      expect(fake.dialogs[0].closed).to.equal(true);
    });

    it("keeps a message posted before anyone waits, and rejects with 12006 when the user closes it", async () => {
      const fake = fakeOffice(new FakeComposeItem());
      const office = createOfficeAdapter(fake);
      const dialog = await office.openDialog("https://kuvert.test/addin/signin.html");
      fake.dialogs[0].post("early");
      expect(await dialog.nextMessage()).to.equal("early");
      const pending = dialog.nextMessage();
      fake.dialogs[0].closeByUser();
      const err = await rejection(pending);
      expect(err.code).to.equal(12006);
      expect(err.message).to.contain("closed");
    });

    it("ignores a message from another origin (the dialog navigated elsewhere); accepts one without origin (older Office)", async () => {
      const fake = fakeOffice(new FakeComposeItem());
      const office = createOfficeAdapter(fake);
      const dialog = await office.openDialog("https://kuvert.test/addin/signin.html");
      fake.dialogs[0].post('{"token":"from-elsewhere"}', "https://evil.example");
      fake.dialogs[0].post('{"token":"t"}', undefined);
      expect(await dialog.nextMessage()).to.equal('{"token":"t"}');
    });

    it("answers the pane from a dialog page with the pane's target origin", () => {
      const fake = fakeOffice(null);
      createOfficeAdapter(fake).messageParent('{"token":"t"}', "https://kuvert.test");
      expect(fake.parentMessages).to.deep.equal([['{"token":"t"}', "https://kuvert.test"]]);
    });

    it("rejects when the dialog cannot open (HTTP URL: 12003)", async () => {
      const office = createOfficeAdapter(fakeOffice(new FakeComposeItem()));
      expect((await rejection(office.openDialog("http://kuvert.test/x"))).code).to.equal(12003);
    });
  });

  describe("Office single sign-on", () => {
    it("returns the SSO token where IdentityAPI 1.3 exists", async () => {
      const fake = fakeOffice(new FakeComposeItem());
      fake.supported.IdentityAPI = "1.3";
      let asked: unknown;
      fake.auth = {
        getAccessToken: async (options) => {
          asked = options;
          return "eyJ.sso.token";
        },
      };
      expect(await createOfficeAdapter(fake).getSsoToken()).to.equal("eyJ.sso.token");
      expect(asked).to.deep.equal({ allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false });
    });

    it("rejects with Office's SSO error code, or 13012 where SSO is missing", async () => {
      const none = createOfficeAdapter(fakeOffice(new FakeComposeItem()));
      expect((await rejection(none.getSsoToken())).code).to.equal(13012);
      const fake = fakeOffice(new FakeComposeItem());
      fake.supported.IdentityAPI = "1.3";
      fake.auth = {
        getAccessToken: () =>
          Promise.reject(
            Object.assign(new Error("The user is not signed in to Office."), { code: 13001, name: "UserNotSignedIn" }),
          ),
      };
      const err = await rejection(createOfficeAdapter(fake).getSsoToken());
      expect(err.code).to.equal(13001);
      expect(err.officeName).to.equal("UserNotSignedIn");
    });
  });

  describe("roaming settings and environment", () => {
    it("gets, sets, removes and saves settings", async () => {
      const fake = fakeOffice(new FakeComposeItem());
      const office = createOfficeAdapter(fake);
      expect(office.getSetting("kuvert.policy")).to.equal(undefined);
      office.setSetting("kuvert.policy", { keywords: ["x"] });
      office.setSetting("kuvert.tmp", 1);
      office.removeSetting("kuvert.tmp");
      expect(office.getSetting<{ keywords: string[] }>("kuvert.policy")).to.deep.equal({ keywords: ["x"] });
      expect(fake.savedSettings.size).to.equal(0);
      await office.saveSettings();
      expect([...fake.savedSettings.keys()]).to.deep.equal(["kuvert.policy"]);
    });

    it("reports the UI language and requirement sets", () => {
      const office = createOfficeAdapter(fakeOffice(null, { displayLanguage: "en-GB", mailbox: "1.12" }));
      expect(office.displayLanguage()).to.equal("en-GB");
      expect(office.isSetSupported("Mailbox", "1.8")).to.equal(true);
      expect(office.isSetSupported("Mailbox", "1.15")).to.equal(false);
      expect(office.isSetSupported("IdentityAPI", "1.3")).to.equal(false);
    });
  });
});
