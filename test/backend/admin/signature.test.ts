import { expect } from "chai";
import { transaction } from "../../../backend/src/db.js";
import { issueApiToken } from "../../../backend/src/services/apiTokens.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { Message } from "../../../backend/src/models/Message.js";
import { Organisation } from "../../../backend/src/models/Organisation.js";
import type { User } from "../../../backend/src/models/User.js";
import { createOfficeAdapter } from "../../../addin/src/office/adapter.js";
import { sendSecurely } from "../../../addin/src/taskpane/secureSend.js";
import type { KuvertApi } from "../../../addin/src/taskpane/api.js";
import { FakeComposeItem, fakeOffice } from "../../support/fakeOffice.js";
import { ApiClient, getTestServer } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser } from "../../support/factories.js";

interface AdminSignature {
  html: string;
  mode: "default" | "mandatory";
  version: number;
  updatedAt: string | null;
  placeholders: string[];
  preview: { html: string; text: string };
}
interface ReadMessage {
  text: string | null;
  html: string | null;
}

const signatureHtml =
  '<p><strong>{name}</strong>, {title}<br>{organisation}<br><a href="mailto:{email}">{email}</a> · {phone}</p><script>alert(1)</script><img src="https://tracker.example/x.png" onerror="x()">';

describe("admin console: the organisation signature (F5)", function () {
  this.timeout(60_000);
  let org: Organisation;
  let adminUser: User;
  let staffUser: User;
  let reader: User;
  let admin: ApiClient;
  let staff: ApiClient;
  let readerApi: ApiClient;

  before(async () => {
    org = await buildOrganisation({ name: "Signaturs <kommun>" });
    adminUser = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    staffUser = await buildUser({ organisation: org, role: "staff", name: "Sara Handläggare" });
    reader = await buildUser({ organisation: null, role: "recipient" });
    // One at a time: concurrent sign-ins leave mocha hanging after the run (seen on main too).
    admin = await signIn(adminUser);
    staff = await signIn(staffUser);
    readerApi = await signIn(reader);
    expect((await staff.patch("/api/account", { title: "Socialsekreterare & samordnare" })).status).to.equal(200);
  });

  it("starts empty in default mode; PUT sanitises, keeps the placeholders, bumps the version and audits", async () => {
    const empty = await admin.get<AdminSignature>("/api/admin/signature");
    expect(empty.status, empty.text).to.equal(200);
    expect(empty.body).to.deep.include({ html: "", mode: "default", version: 0, updatedAt: null });
    expect(empty.body.placeholders).to.deep.equal(["name", "title", "email", "phone", "organisation"]);

    const put = await admin.put<AdminSignature>("/api/admin/signature", { html: signatureHtml, mode: "default" });
    expect(put.status, put.text).to.equal(200);
    expect(put.body.version).to.equal(1);
    expect(put.body.html).to.contain("{name}").and.contain("{organisation}").and.contain("<strong>");
    expect(put.body.html).to.not.contain("script").and.not.contain("onerror").and.not.contain("tracker.example");
    // Previewed for the signed-in admin, values escaped.
    expect(put.body.preview.html).to.contain("<strong>Ada Admin</strong>").and.contain("Signaturs &lt;kommun&gt;");
    expect(put.body.preview.html).to.contain(`href="mailto:${adminUser.email}"`);
    expect(put.body.preview.text).to.contain("Ada Admin").and.contain("Signaturs <kommun>");
    const audit = await AuditEvent.findAll({
      where: { organisationId: org.id, type: "organisation.signature_changed" },
    });
    expect(audit).to.have.length(1);

    // The same again changes nothing (no new version, no audit).
    const again = await admin.put<AdminSignature>("/api/admin/signature", { html: signatureHtml, mode: "default" });
    expect(again.body.version).to.equal(1);
    expect(
      await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.signature_changed" } }),
    ).to.equal(1);
  });

  it("previews a draft without saving it", async () => {
    const before = (await Organisation.findByPk(org.id))!.policy;
    const res = await admin.post<{ html: string; text: string }>("/api/admin/signature/preview", {
      html: "<em>{name}</em> – {title}<iframe src=x></iframe>",
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.html).to.equal("<em>Ada Admin</em> –");
    expect((await Organisation.findByPk(org.id))!.policy).to.deep.equal(before);
  });

  it("default mode: the composer offers it rendered for the sender; the user's own signature replaces it", async () => {
    const d = await staff.get<{ signature: string | null; mandatorySignature: unknown }>(
      "/api/messages/compose-defaults",
    );
    expect(d.body.mandatorySignature).to.equal(null);
    expect(d.body.signature).to.contain("Sara Handläggare").and.contain("Socialsekreterare & samordnare");
    await staff.patch("/api/account", { signature: "Hälsningar, Sara" });
    const own = await staff.get<{ signature: string | null }>("/api/messages/compose-defaults");
    expect(own.body.signature).to.equal("Hälsningar, Sara");
    await staff.patch("/api/account", { signature: null });
  });

  it("rejects bad input with 400 and changes nothing", async () => {
    const before = (await Organisation.findByPk(org.id))!.policy;
    for (const body of [
      { html: "x", mode: "always" },
      { html: "x" },
      { html: 5, mode: "default" },
      { html: "x".repeat(20_001), mode: "default" },
      { html: "x", mode: "default", organisationId: org.id },
    ]) {
      const res = await admin.put("/api/admin/signature", body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.be.oneOf([400, 413]);
      expect(res.body.error).to.be.oneOf(["validation_error", "payload_too_large"]);
    }
    expect((await admin.post("/api/admin/signature/preview", { html: null })).status).to.equal(400);
    expect((await staff.patch("/api/account", { title: "x".repeat(101) })).status).to.equal(400);
    expect((await Organisation.findByPk(org.id))!.policy).to.deep.equal(before);
  });

  it("mandatory: appended by the server to a message from the web composer (plaintext), text and HTML", async () => {
    const put = await admin.put<AdminSignature>("/api/admin/signature", { html: signatureHtml, mode: "mandatory" });
    expect(put.body).to.include({ mode: "mandatory", version: 2 });
    const d = await staff.get<{ signature: string | null; mandatorySignature: { version: number; html: string } }>(
      "/api/messages/compose-defaults",
    );
    expect(d.body.mandatorySignature.version).to.equal(2);
    expect(d.body.signature).to.equal(null);

    const plain = await staff.post<{ id: string }>("/api/messages", {
      to: [{ email: reader.email }],
      subject: "Beslut",
      body: "Hej, här kommer beslutet.",
    });
    expect(plain.status, plain.text).to.equal(201);
    const got = await readerApi.get<ReadMessage>(`/api/messages/${plain.body.id}`);
    expect(got.body.text).to.match(/^Hej, här kommer beslutet\.\n\n/);
    expect(got.body.text).to.contain("Sara Handläggare").and.contain("Socialsekreterare & samordnare");
    expect(got.body.text).to.contain(staffUser.email);

    const rich = await staff.post<{ id: string }>("/api/messages", {
      to: [{ email: reader.email }],
      subject: "Beslut 2",
      body: { text: "Hej", html: "<p>Hej</p>" },
    });
    const richRead = await readerApi.get<ReadMessage>(`/api/messages/${rich.body.id}`);
    expect(richRead.body.html).to.match(
      /^<p>Hej<\/p><div><p><strong>Sara Handläggare<\/strong>, Socialsekreterare &amp; samordnare/,
    );
  });

  it("mandatory: the add-in appends it before encrypting and declares the version; a missing or stale version is refused with 422", async () => {
    const token = await transaction(async (t) => (await issueApiToken(t, staffUser, "test")).token);
    const api: KuvertApi = { base: await getTestServer(), token, fetch };
    const item = new FakeComposeItem({ canSend: false });
    item.toList = [{ emailAddress: reader.email, displayName: "Reader" }];
    item.subjectText = "Från Outlook";
    item.bodyHtml = "<html><body><p>Innehåll</p></body></html>";
    const result = await sendSecurely(
      { office: createOfficeAdapter(fakeOffice(item, { mailbox: "1.8" })), api },
      { sender: staffUser, addresses: [reader.email], mobiles: {}, options: {}, files: [], locale: "sv" },
    );
    const got = await readerApi.get<ReadMessage>(`/api/messages/${result.messageId}`);
    expect(got.status, JSON.stringify(got.body)).to.equal(200);
    expect(got.body.html).to.contain("<p>Innehåll</p>").and.contain("<strong>Sara Handläggare</strong>");
    expect(got.body.text).to.contain("Socialsekreterare & samordnare");

    // The pre-encrypted form without the current version: refused before anything is stored.
    const bearer = new ApiClient(api.base);
    bearer.bearer = token;
    const jwe = "a.b.c.d.e";
    const pre = {
      to: [{ email: reader.email }],
      encrypted: {
        content: jwe,
        envelopes: [
          { userId: staffUser.id, jwe },
          { userId: reader.id, jwe },
        ],
      },
    };
    const count = await Message.count();
    const missing = await bearer.post("/api/messages", pre);
    expect(missing.status, missing.text).to.equal(422);
    expect(missing.body).to.include({ error: "signature_required", version: 2 });
    const stale = await bearer.post("/api/messages", { ...pre, signatureVersion: 1 });
    expect(stale.status).to.equal(422);
    expect(stale.body.error).to.equal("signature_required");
    expect(await Message.count()).to.equal(count);
  });

  it("default mode again: the pre-encrypted form needs no version", async () => {
    await admin.put("/api/admin/signature", { html: signatureHtml, mode: "default" });
    const d = await staff.get<{ mandatorySignature: unknown }>("/api/messages/compose-defaults");
    expect(d.body.mandatorySignature).to.equal(null);
    const plain = await staff.post<{ id: string }>("/api/messages", {
      to: [{ email: reader.email }],
      subject: "Utan",
      body: "Bara text",
    });
    expect((await readerApi.get<ReadMessage>(`/api/messages/${plain.body.id}`)).body.text).to.equal("Bara text");
  });
});
