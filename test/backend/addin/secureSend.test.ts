// sendSecurely() (the compose pane's logic) in Node: WebCrypto, the fake Office from
// test/support/fakeOffice.ts and the real backend over HTTP with an API token.
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import type { User } from "../../../backend/src/models/User.js";
import { createOfficeAdapter } from "../../../addin/src/office/adapter.js";
import { ItemUpdateError, sendSecurely } from "../../../addin/src/taskpane/secureSend.js";
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
