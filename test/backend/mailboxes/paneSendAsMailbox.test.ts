// Sending as a shared mailbox from Outlook (issues 11 and 12): sendSecurely() — the compose
// pane's logic — in Node with the fake Office, against the real backend over HTTP with API
// tokens, and the pre-encrypted POST /api/mailboxes/{id}/messages attacked directly.
import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import type { User } from "../../../backend/src/models/User.js";
import { Message } from "../../../backend/src/models/Message.js";
import { KeyEnvelope } from "../../../backend/src/models/KeyEnvelope.js";
import { MessageRecipient } from "../../../backend/src/models/MessageRecipient.js";
import { OutboxEntry } from "../../../backend/src/models/OutboxEntry.js";
import { createOfficeAdapter } from "../../../addin/src/office/adapter.js";
import { lookupKeys, sendSecurely } from "../../../addin/src/taskpane/secureSend.js";
import { ApiError, apiJson, type KuvertApi } from "../../../addin/src/taskpane/api.js";
import { encryptContent, generateContentKey, wrapContentKey } from "../../../addin/src/crypto/index.js";
import { FakeComposeItem, fakeOffice } from "../../support/fakeOffice.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../../support/factories.js";
import { signIn } from "../../support/auth.js";
import { getTestServer, type ApiClient } from "../../support/server.js";

interface Sent {
  id: string;
}

describe("send as a shared mailbox from Outlook (issues 11, 12)", function () {
  this.timeout(60_000);
  let anna: User; // member with send
  let bertil: User; // member without send
  let cecilia: User; // staff, not a member
  let outsider: User; // another organisation
  let reader: User;
  let mailbox: { id: string; email: string; name: string };
  let orgName: string;
  let adminApi: ApiClient;
  const apis = new Map<string, KuvertApi>();

  async function tokenApi(user: User): Promise<KuvertApi> {
    const token = await transaction(async (t) => (await issueApiToken(t, user, "Outlook add-in (test)")).token);
    return { base: await getTestServer(), token, fetch };
  }

  before(async () => {
    const org = await buildOrganisation();
    const admin = await buildUser({ organisation: org, role: "admin" });
    anna = await buildUser({ organisation: org, name: "Anna Andersson" });
    bertil = await buildUser({ organisation: org, name: "Bertil Berg" });
    cecilia = await buildUser({ organisation: org, name: "Cecilia Carlsson" });
    outsider = await buildUser({ organisation: await buildOrganisation() });
    reader = await buildUser({ name: "Mottagare" });
    orgName = org.name;
    adminApi = await signIn(admin);
    const res = await adminApi.post<{ mailbox: { id: string; email: string; name: string } }>("/api/admin/mailboxes", {
      name: "Socialtjänsten",
      email: uniqueEmail("socialtjansten"),
      members: [
        { userId: anna.id, send: true },
        { userId: bertil.id, send: false },
      ],
    });
    expect(res.status, res.text).to.equal(201);
    mailbox = res.body.mailbox;
    for (const u of [anna, bertil, cecilia, outsider]) apis.set(u.id, await tokenApi(u));
  });

  function composeItem(opts: { canSend: boolean }): FakeComposeItem {
    const item = new FakeComposeItem(opts);
    item.toList = [{ emailAddress: reader.email, displayName: "Mottagare" }];
    item.fromAddress = { emailAddress: mailbox.email, displayName: mailbox.name };
    item.subjectText = "Beslut från brevlådan";
    item.bodyHtml = "<p>Hej från socialtjänsten</p>";
    item.attachmentList = [
      { id: "a1", name: "beslut.txt", contentType: "text/plain", content: Buffer.from("beslut").toString("base64") },
    ];
    return item;
  }

  function send(user: User, item: FakeComposeItem, mailbox15 = true) {
    const office = createOfficeAdapter(fakeOffice(item, { mailbox: mailbox15 ? "1.15" : "1.8" }));
    return sendSecurely(
      { office, api: apis.get(user.id)! },
      {
        sender: user,
        mailbox: { id: mailbox.id, email: mailbox.email },
        addresses: [reader.email],
        mobiles: {},
        options: {},
        files: [],
        locale: "sv",
      },
    );
  }

  it("the adapter reads the From (Mailbox 1.7), else the shared folder's owner (1.8), else nothing", async () => {
    const item = new FakeComposeItem();
    item.fromAddress = { emailAddress: mailbox.email, displayName: "Socialtjänsten" };
    expect((await createOfficeAdapter(fakeOffice(item)).getFrom())?.email).to.equal(mailbox.email);
    // Before Mailbox 1.7 the From is not asked for.
    expect(await createOfficeAdapter(fakeOffice(item, { mailbox: "1.5" })).getFrom()).to.equal(null);
    item.fromAddress = null;
    expect(await createOfficeAdapter(fakeOffice(item)).getFrom()).to.equal(null);
    item.sharedOwner = mailbox.email;
    expect((await createOfficeAdapter(fakeOffice(item)).getFrom())?.email).to.equal(mailbox.email);
  });

  it("a member with send: the item is the one notification; the mailbox is the sender; the member is no reader; other members find it in the mailbox's Sent", async () => {
    const item = composeItem({ canSend: true });
    const result = await send(anna, item);
    expect(result.sentByPane).to.equal(true);
    expect(item.sent).to.equal(true);
    expect(item.subjectText).to.equal("Du har fått ett säkert meddelande");
    expect(item.bodyHtml).to.match(/\/m\/[A-Za-z0-9_-]{43}/);
    expect(item.bodyHtml).to.contain("Socialtjänsten");
    expect(item.bodyHtml).to.not.contain("Anna");
    const message = await Message.findByPk(result.messageId);
    expect(message!.senderId).to.equal(mailbox.id);
    expect(message!.sharedTokenHash).to.be.a("string");
    const envelopes = (await KeyEnvelope.findAll({ where: { messageId: result.messageId } })).map((e) => e.userId);
    expect(envelopes).to.have.members([mailbox.id, reader.id]);
    // Kuvert e-mailed nobody: the Outlook item is the recipient's notification.
    const rows = await MessageRecipient.findAll({ where: { messageId: result.messageId } });
    expect(rows.map((r) => r.userId)).to.deep.equal([reader.id]);
    expect(await OutboxEntry.count({ where: { reference: rows.map((r) => `message_recipient:${r.id}`) } })).to.equal(0);

    const got = await (
      await signIn(reader)
    ).get<{ subject: string; sender: { email: string; name: string }; attachments: Array<{ name: string }> }>(
      `/api/messages/${result.messageId}`,
    );
    expect(got.status, got.text).to.equal(200);
    expect(got.body.subject).to.equal("Beslut från brevlådan");
    expect(got.body.sender.email).to.equal(mailbox.email);
    expect(got.body.sender.name).to.equal("Socialtjänsten");
    expect(got.body.attachments.map((a) => a.name)).to.deep.equal(["beslut.txt"]);

    const bertilApi = await signIn(bertil);
    const sent = await bertilApi.get<{ items: Array<{ id: string; subject: string }> }>(
      `/api/mailboxes/${mailbox.id}/folder/sent`,
    );
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.body.items.find((i) => i.id === result.messageId)?.subject).to.equal("Beslut från brevlådan");
    const opened = await bertilApi.get<{ mailboxEvents: Array<{ action: string; member: { id: string } }> }>(
      `/api/mailboxes/${mailbox.id}/messages/${result.messageId}`,
    );
    expect(opened.status, opened.text).to.equal(200);
    expect(opened.body.mailboxEvents.some((e) => e.action === "sent" && e.member.id === anna.id)).to.equal(true);
    // Anna reads it as the mailbox, not as a person of her own.
    expect((await (await signIn(anna)).get(`/api/messages/${result.messageId}`)).status).to.equal(404);
    expect(await Message.count({ where: { senderId: anna.id, state: "draft" } }), "her draft went").to.equal(0);
  });

  it("an Outlook without Mailbox 1.15: Kuvert notifies the recipient and the member gets the neutral notice", async () => {
    const item = composeItem({ canSend: false });
    const result = await send(anna, item, false);
    expect(result.sentByPane).to.equal(false);
    expect(item.bodyHtml).to.contain(`/mailbox/inbox/${result.messageId}`);
    expect(item.bodyHtml).to.contain("Socialtjänsten");
    // The notice is for the mailbox's members only.
    const path = `/api/addin/notification?messageId=${result.messageId}&locale=en`;
    expect(await apiJson(apis.get(bertil.id)!, "GET", path)).to.have.property("link");
    for (const stranger of [cecilia, outsider]) {
      const err = await apiJson(apis.get(stranger.id)!, "GET", path).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ApiError);
      expect((err as ApiError).status).to.equal(404);
    }
  });

  it("a member without send is refused (403), a non-member and another organisation get 404; nothing reaches the reader, no draft is left", async () => {
    const before = await Message.count({ where: { senderId: mailbox.id } });
    const drafts = (user: User) => Message.count({ where: { senderId: user.id, state: "draft" } });
    const draftsBefore = new Map<string, number>();
    for (const user of [bertil, cecilia, outsider]) draftsBefore.set(user.id, await drafts(user));
    for (const [user, status, id] of [
      [bertil, 403, "mailbox_right_missing"],
      [cecilia, 404, "not_found"],
      [outsider, 404, "not_found"],
    ] as const) {
      const item = composeItem({ canSend: true });
      const err = await send(user, item).catch((e: unknown) => e);
      expect(err, user.email).to.be.instanceOf(ApiError);
      expect((err as ApiError).status).to.equal(status);
      expect((err as ApiError).id).to.equal(id);
      expect(item.sent).to.equal(false);
      expect(item.subjectText, "the item is untouched").to.equal("Beslut från brevlådan");
      // The draft the pane made for the attachment is deleted again: nothing in their Drafts.
      expect(await drafts(user), `${user.email}: drafts`).to.equal(draftsBefore.get(user.id));
    }
    expect(await Message.count({ where: { senderId: mailbox.id } })).to.equal(before);
  });

  it("tampering: an envelope to the member instead of the mailbox, a draft of someone else, a draft without the pre-encrypted form", async () => {
    const api = apis.get(anna.id)!;
    const keys = await lookupKeys(api, [reader.email, anna.email, mailbox.email], {});
    const key = (id: string) => keys.find((k) => k.userId === id)!;
    const cek = generateContentKey();
    const content = await encryptContent(
      { v: 1, subject: "x", bodyText: "x", bodyHtml: null, attachments: [], options: {} },
      cek,
    );
    const post = (body: unknown) =>
      apiJson<Sent>(api, "POST", `/api/mailboxes/${mailbox.id}/messages`, body).catch((e: unknown) => e as ApiError);
    const envelopes = async (ids: string[]) =>
      Promise.all(ids.map(async (userId) => ({ userId, jwe: await wrapContentKey(cek, key(userId).publicKey) })));

    const asHerself = await post({
      to: [{ email: reader.email }],
      encrypted: { content, envelopes: await envelopes([anna.id, reader.id]) },
    });
    expect(asHerself).to.be.instanceOf(ApiError);
    expect((asHerself as ApiError).id).to.equal("invalid_encrypted_message");

    // Bertil's own draft cannot be sent by Anna.
    const bertilDraft = await apiJson<{ id: string }>(apis.get(bertil.id)!, "POST", "/api/messages/drafts", {
      encrypted: {
        content,
        envelope: await wrapContentKey(cek, (await lookupKeys(apis.get(bertil.id)!, [bertil.email], {}))[0].publicKey),
      },
    });
    const foreignDraft = await post({
      to: [{ email: reader.email }],
      draftId: bertilDraft.id,
      encrypted: { content, envelopes: await envelopes([mailbox.id, reader.id]) },
    });
    expect((foreignDraft as ApiError).status).to.equal(404);
    expect((await Message.findByPk(bertilDraft.id))!.state).to.equal("draft");

    const plaintextDraft = await post({ to: [{ email: reader.email }], draftId: bertilDraft.id, body: "x" });
    expect((plaintextDraft as ApiError).status).to.equal(400);

    // The genuine form goes through.
    const ok = await post({
      to: [{ email: reader.email }],
      encrypted: { content, envelopes: await envelopes([mailbox.id, reader.id]) },
    });
    expect(ok).to.have.property("id");
  });

  it("a mandatory organisation signature is signed by the mailbox (name, address, organisation), not by the member, from the pane and the web", async () => {
    const annaWeb = await signIn(anna);
    expect((await annaWeb.patch("/api/account", { title: "Enhetschef" })).status).to.equal(200);
    const put = await adminApi.put("/api/admin/signature", {
      html: "<p>{name}|{title}|{email}|{phone}|{organisation}</p>",
      mode: "mandatory",
    });
    expect(put.status, put.text).to.equal(200);
    const readerApi = await signIn(reader);
    const expected = `${mailbox.name}||${mailbox.email}||${orgName}`;
    const member = [anna.name!, anna.email, "Enhetschef", anna.mobile!];
    try {
      // What the pane appends: asked for with the mailbox it sends as.
      const defaults = await apiJson<{ mandatorySignature: { text: string } }>(
        apis.get(anna.id)!,
        "GET",
        `/api/messages/compose-defaults?mailbox=${mailbox.id}`,
      );
      expect(defaults.mandatorySignature.text).to.equal(expected);
      const own = await apiJson<{ mandatorySignature: { text: string } }>(
        apis.get(anna.id)!,
        "GET",
        "/api/messages/compose-defaults",
      );
      expect(own.mandatorySignature.text, "her own sends keep her signature").to.contain("Anna Andersson|Enhetschef");
      for (const stranger of [cecilia, outsider]) {
        const err = await apiJson(
          apis.get(stranger.id)!,
          "GET",
          `/api/messages/compose-defaults?mailbox=${mailbox.id}`,
        ).catch((e: unknown) => e);
        expect((err as ApiError).status, "not a member").to.equal(404);
      }

      const result = await send(anna, composeItem({ canSend: true }));
      const got = await readerApi.get<{ html: string; text: string }>(`/api/messages/${result.messageId}`);
      expect(got.status, got.text).to.equal(200);
      expect(got.body.html).to.contain("<p>Hej från socialtjänsten</p>").and.contain(expected);
      for (const leak of member) expect(got.body.html, "pane send").to.not.contain(leak);

      // The web composer's plaintext send as the mailbox: the server appends it, for the mailbox.
      const web = await annaWeb.post<{ id: string }>(`/api/mailboxes/${mailbox.id}/messages`, {
        to: [{ email: reader.email }],
        subject: "Från webben",
        body: "Hej från webben",
      });
      expect(web.status, web.text).to.equal(201);
      const webRead = await readerApi.get<{ text: string }>(`/api/messages/${web.body.id}`);
      expect(webRead.body.text).to.equal(`Hej från webben\n\n${expected}`);
    } finally {
      await adminApi.put("/api/admin/signature", { html: "", mode: "default" });
    }
  });
});
