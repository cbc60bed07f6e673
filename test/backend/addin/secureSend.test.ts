// sendSecurely() (the compose pane's logic) in Node: WebCrypto, the fake Office from
// test/support/fakeOffice.ts and the real backend over HTTP with an API token.
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import type { User } from "../../../backend/src/models/User.js";
import { createOfficeAdapter } from "../../../addin/src/office/adapter.js";
import { AttachmentAddedError, ItemUpdateError, sendSecurely } from "../../../addin/src/taskpane/secureSend.js";
import type { KuvertApi } from "../../../addin/src/taskpane/api.js";
import { FakeComposeItem, fakeOffice } from "../../support/fakeOffice.js";
import { buildUser } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { getTestServer } from "../../support/server.js";

describe("sendSecurely (compose pane logic)", () => {
  let sender: User;
  let reader: User;
  let api: KuvertApi;

  before(async () => {
    sender = await buildUser();
    reader = await buildUser();
    const token = await transaction(async (t) => (await issueApiToken(t, sender, "test")).token);
    api = { base: await getTestServer(), token, fetch };
  });

  function composeItem(): FakeComposeItem {
    const item = new FakeComposeItem({ canSend: false });
    item.toList = [{ emailAddress: reader.email, displayName: "Reader" }];
    item.subjectText = "Ärende 42";
    item.bodyHtml = "<p>Innehåll &amp; mer</p>";
    item.attachmentList = [
      { id: "a1", name: "x.txt", contentType: "text/plain", content: Buffer.from("hello").toString("base64") },
    ];
    return item;
  }

  it("without sendAsync (before Mailbox 1.15) the item is left as the finished notification for the user to send", async () => {
    const item = composeItem();
    const office = createOfficeAdapter(fakeOffice(item, { mailbox: "1.8" }));
    const steps: string[] = [];
    const result = await sendSecurely(
      { office, api, onStep: (s) => steps.push(s) },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "en" },
    );
    expect(result.sentByPane).to.equal(false);
    expect(steps).to.deep.equal(["encrypting", "uploading", "sending", "notifying", "done"]);
    expect(item.subjectText).to.equal("You have received a secure message");
    expect(item.bodyHtml).to.contain(`/mailbox/inbox/${result.messageId}`);
    expect(item.attachmentList).to.deep.equal([]);
    const got = await (
      await signIn(reader)
    ).get<{ subject: string; html: string; attachments: Array<{ name: string }> }>(`/api/messages/${result.messageId}`);
    expect(got.body.subject).to.equal("Ärende 42");
    expect(got.body.html).to.contain("Innehåll &amp; mer");
    expect(got.body.attachments.map((a) => a.name)).to.deep.equal(["x.txt"]);
  });

  it("when Outlook refuses the change after the message was sent, the error says it was sent (ItemUpdateError with the id)", async () => {
    const item = composeItem();
    item.failures["body.setAsync"] = { code: 9041, name: "Error", message: "body locked" };
    const office = createOfficeAdapter(fakeOffice(item));
    const err = await sendSecurely(
      { office, api },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ItemUpdateError);
    const messageId = (err as ItemUpdateError).messageId;
    expect((await (await signIn(reader)).get(`/api/messages/${messageId}`)).status).to.equal(200);
  });

  it("makes one Office call at a time (Outlook allows at most three in flight)", async () => {
    const item = composeItem();
    item.ccList = [{ emailAddress: reader.email, displayName: "Reader" }];
    const office = createOfficeAdapter(fakeOffice(item, { mailbox: "1.8" }));
    await office.getRecipients();
    await sendSecurely(
      { office, api },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    );
    expect(item.concurrency.max).to.equal(1);
  });

  it("an attachment added in Outlook during the upload stops the send: nothing is sent, the item is untouched", async () => {
    const item = composeItem();
    const office = createOfficeAdapter(fakeOffice(item, { mailbox: "1.15" }));
    const before = await (await signIn(reader)).get<{ total: number }>("/api/mailbox/inbox");
    const err = await sendSecurely(
      {
        office,
        api,
        onStep: (step) => {
          if (step === "uploading")
            item.attachmentList.push({
              id: "late",
              name: "sen.pdf",
              content: Buffer.from("klartext").toString("base64"),
            });
        },
      },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AttachmentAddedError);
    expect((err as AttachmentAddedError).messageId).to.equal(null);
    expect((err as AttachmentAddedError).names).to.deep.equal(["sen.pdf"]);
    expect(item.subjectText).to.equal("Ärende 42");
    expect(item.attachmentList.map((a) => a.id)).to.deep.equal(["a1", "late"]);
    const after = await (await signIn(reader)).get<{ total: number }>("/api/mailbox/inbox");
    expect(after.status, after.text).to.equal(200);
    expect(after.body.total, "nothing reached the reader").to.equal(before.body.total);
  });

  it("an attachment added after the secure message went out: the item is not turned into the notification nor sent", async () => {
    const item = new FakeComposeItem({ canSend: true });
    Object.assign(item, composeItem());
    const office = createOfficeAdapter(fakeOffice(item, { mailbox: "1.15" }));
    const err = await sendSecurely(
      {
        office,
        api,
        onStep: (step) => {
          if (step === "notifying")
            item.attachmentList.push({
              id: "late",
              name: "sen.pdf",
              content: Buffer.from("klartext").toString("base64"),
            });
        },
      },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AttachmentAddedError);
    const messageId = (err as AttachmentAddedError).messageId;
    expect(messageId).to.be.a("string");
    expect(item.sent).to.equal(false);
    expect(item.subjectText).to.equal("Ärende 42");
    expect(item.bodyHtml).to.equal("<p>Innehåll &amp; mer</p>");
    const got = await (
      await signIn(reader)
    ).get<{ attachments: Array<{ name: string }> }>(`/api/messages/${messageId}`);
    expect(got.body.attachments.map((a) => a.name)).to.deep.equal(["x.txt"]);
  });

  it("a cloud attachment stops the send before anything is uploaded or changed", async () => {
    const item = composeItem();
    const office = createOfficeAdapter(fakeOffice(item));
    const cloud = {
      ...office,
      getAttachmentContent: async () => ({ format: "url", content: "https://share.example/x" }),
    };
    const err = await sendSecurely(
      { office: cloud, api },
      { sender, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(err)).to.contain("cloud_attachment:x.txt");
    expect(item.subjectText).to.equal("Ärende 42");
    expect(item.attachmentList).to.have.length(1);
  });
});
