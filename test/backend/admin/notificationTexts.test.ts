import { expect } from "chai";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { OutboxWorker } from "../../../backend/src/outbox/worker.js";
import { AuditEvent } from "../../../backend/src/models/AuditEvent.js";
import { NotificationLogo, NotificationText } from "../../../backend/src/models/NotificationText.js";
import type { Organisation } from "../../../backend/src/models/Organisation.js";
import type { User } from "../../../backend/src/models/User.js";
import { ApiClient } from "../../support/server.js";
import { signIn } from "../../support/auth.js";
import { buildOrganisation, buildUser, uniqueEmail, uniqueMobile } from "../../support/factories.js";
import { startSmtpCatcher, type SmtpCatcher } from "../../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../../support/sms.js";
import { testWorker, drain } from "../../support/outbox.js";
import { withInlineLogo } from "../../../backend/src/services/notificationTexts/inlineLogo.js";

interface Texts {
  senderName: string | null;
  intro: string | null;
  footer: string | null;
  smsRecipientCode: string | null;
  smsIdCheck: string | null;
}
interface View {
  texts: { sv: Texts; en: Texts };
  defaults: { sv: Record<string, string>; en: Record<string, string> };
  logo: { contentType: string; width: number; height: number; bytes: number; sha256: string; dataUrl: string } | null;
}
interface Preview {
  email: { subject: string; html: string; text: string; fromName: string };
  sms: { recipientCode: string; idCheck: string };
}

function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = 15;
    png.data[i + 1] = 108;
    png.data[i + 2] = 189;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}
function jpegOf(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4, 200);
  return jpeg.encode({ width, height, data }, 80).data;
}
/** A PNG with a tEXt chunk (metadata) before IEND and a payload appended after it. */
function pngWithExtras(): Buffer {
  const clean = pngOf(40, 20);
  const iend = clean.length - 12;
  const text = Buffer.from("Comment\0secret-metadata-1234");
  const chunk = Buffer.alloc(12 + text.length);
  chunk.writeUInt32BE(text.length, 0);
  chunk.write("tEXt", 4, "latin1");
  text.copy(chunk, 8);
  // CRC is not checked by every reader; pngjs checks it, so compute it.
  chunk.writeUInt32BE(crc32(Buffer.concat([Buffer.from("tEXt"), text])), 8 + text.length);
  return Buffer.concat([
    clean.subarray(0, iend),
    chunk,
    clean.subarray(iend),
    Buffer.from("<?php echo 'smuggled'; ?>"),
  ]);
}
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

const escapeHtml = (v: string) =>
  v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const custom = {
  senderName: "Sundsvalls kommun",
  intro: 'Hej!\n\n{sender} på {organisation} har skickat ett meddelande.\n<script>alert("x")</script> & <b>fet</b>',
  footer: "Frågor? Ring kontaktcenter 060-19 10 00.",
  smsRecipientCode: "{organisation}: din kod är {code} ({minutes} min).",
  smsIdCheck: "ID-kontroll {code}",
};

describe("admin console: notification texts (issue 10)", function () {
  this.timeout(90_000);
  let org: Organisation;
  let adminUser: User;
  let admin: ApiClient;
  let otherAdmin: ApiClient;
  let staff: ApiClient;
  let staffUser: User;
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    org = await buildOrganisation({ name: "Aviserings <kommun>" });
    adminUser = await buildUser({ organisation: org, role: "admin" });
    staffUser = await buildUser({ organisation: org, role: "staff", name: "Sara Handläggare" });
    const other = await buildOrganisation();
    admin = await signIn(adminUser);
    staff = await signIn(staffUser);
    otherAdmin = await signIn(await buildUser({ organisation: other, role: "admin" }));
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("starts on the defaults; staff get 403 and anonymous 401", async () => {
    const view = await admin.get<View>("/api/admin/notification-texts");
    expect(view.status, view.text).to.equal(200);
    expect(view.body.texts.sv).to.deep.equal({
      senderName: null,
      intro: null,
      footer: null,
      smsRecipientCode: null,
      smsIdCheck: null,
    });
    expect(view.body.defaults.sv.smsRecipientCode).to.contain("{code}");
    expect(view.body.logo).to.equal(null);
    expect((await staff.get("/api/admin/notification-texts")).status).to.equal(403);
    const anonymous = await ApiClient.create();
    expect((await anonymous.get("/api/admin/notification-texts")).status).to.equal(401);
  });

  it("refuses an SMS text without {code} and any placeholder that is not offered (message content never is)", async () => {
    const missing = await admin.put("/api/admin/notification-texts/sv", { smsRecipientCode: "Din kod kommer snart" });
    expect(missing.status, missing.text).to.equal(422);
    expect(missing.body).to.deep.include({ error: "notification_placeholder_missing" });
    expect(missing.body.details ?? missing.body).to.deep.include({ field: "smsRecipientCode", placeholder: "code" });
    for (const [field, value] of [
      ["intro", "Ämne: {subject}"],
      ["footer", "{body}"],
      ["smsIdCheck", "{code} {link}"],
      ["intro", "{code}"],
      ["senderName", "{organisation}"],
    ]) {
      const r = await admin.put("/api/admin/notification-texts/en", { [field]: value });
      expect(r.status, `${field}=${value}: ${r.text}`).to.equal(422);
      expect(r.body.error).to.equal("notification_placeholder_unknown");
    }
    const preview = await admin.post("/api/admin/notification-texts/preview", {
      locale: "sv",
      texts: { smsIdCheck: "utan kod" },
    });
    expect(preview.status).to.equal(422);
    const long = await admin.put("/api/admin/notification-texts/sv", { footer: "x".repeat(501) });
    expect(long.status).to.equal(400);
    const address = await admin.put("/api/admin/notification-texts/sv", { senderName: "IT <it@evil.example>" });
    expect(address.status).to.equal(400);
    expect((await admin.put("/api/admin/notification-texts/de", {})).status).to.equal(400);
    expect(await NotificationText.count({ where: { organisationId: org.id } })).to.equal(0);
  });

  it("saves, audits old and new values, previews escaped HTML with the texts and no message content", async () => {
    const put = await admin.put<View>("/api/admin/notification-texts/sv", custom);
    expect(put.status, put.text).to.equal(200);
    expect(put.body.texts.sv.smsRecipientCode).to.equal(custom.smsRecipientCode);
    expect(put.body.texts.en.intro).to.equal(null);
    const audit = await AuditEvent.findAll({
      where: { organisationId: org.id, type: "organisation.notification_texts_changed" },
    });
    expect(audit).to.have.length(1);
    const data = audit[0].data as { locale: string; changes: Record<string, { from: unknown; to: unknown }> };
    expect(data.locale).to.equal("sv");
    expect(data.changes.footer).to.deep.equal({ from: null, to: custom.footer });
    // The same again: no change, no audit.
    await admin.put("/api/admin/notification-texts/sv", custom);
    expect(
      await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.notification_texts_changed" } }),
    ).to.equal(1);

    const preview = await admin.post<Preview>("/api/admin/notification-texts/preview", { locale: "sv", texts: custom });
    expect(preview.status, preview.text).to.equal(200);
    const { html, text, fromName } = preview.body.email;
    expect(html).to.not.contain("<script>").and.not.contain("<b>fet</b>");
    expect(html).to.contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;");
    expect(html).to.contain(`Anna Andersson på ${escapeHtml(org.name)} har skickat`);
    expect(html).to.contain("/r/EXAMPLE-LINK").and.contain("Läs meddelandet");
    expect(text).to.contain('<script>alert("x")</script>').and.contain("Frågor? Ring kontaktcenter");
    expect(fromName).to.equal("Sundsvalls kommun");
    expect(preview.body.sms.recipientCode).to.equal(`${org.name}: din kod är 123456 (10 min).`);
    expect(preview.body.sms.idCheck).to.equal("ID-kontroll 123456");

    // English still on the defaults.
    const en = await admin.post<Preview>("/api/admin/notification-texts/preview", { locale: "en", texts: {} });
    expect(en.body.email.text).to.contain("Anna Andersson has sent a secure message");
    expect(en.body.sms.recipientCode).to.match(/^Code to verify this number in Kuvert: 123456\./);
  });

  it("another organisation's admin neither sees nor changes these texts", async () => {
    const other = await otherAdmin.get<View>("/api/admin/notification-texts");
    expect(other.status).to.equal(200);
    expect(other.body.texts.sv.footer).to.equal(null);
    expect(other.text).to.not.contain("kontaktcenter");
    expect((await otherAdmin.delete("/api/admin/notification-texts/sv")).status).to.equal(200);
    expect((await otherAdmin.delete("/api/admin/notification-texts/logo")).status).to.equal(200);
    const mine = await admin.get<View>("/api/admin/notification-texts");
    expect(mine.body.texts.sv.footer).to.equal(custom.footer);
  });

  it("refuses fake, oversized and foreign logos; re-encodes a PNG without its metadata and trailing bytes", async () => {
    const put = (body: Buffer | string, type: string) =>
      admin.request("PUT", "/api/admin/notification-texts/logo", body, { "Content-Type": type });
    const junk = Buffer.concat([pngOf(1, 1).subarray(0, 33), Buffer.from("not really a png at all".repeat(4))]);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const polyglot = Buffer.concat([Buffer.from("GIF89a"), Buffer.from(svg)]);
    for (const [body, type, status, error] of [
      [junk, "image/png", 422, "logo_invalid"],
      [svg, "image/png", 422, "logo_invalid"],
      [svg, "image/svg+xml", 415, "unsupported_media_type"],
      [polyglot, "image/jpeg", 422, "logo_invalid"],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]), "image/jpeg", 422, "logo_invalid"],
      [Buffer.alloc(0), "image/png", 422, "logo_invalid"],
      [pngOf(1200, 100), "image/png", 413, "logo_too_large"],
      [jpegOf(100, 500), "image/jpeg", 413, "logo_too_large"],
      [Buffer.concat([pngOf(10, 10), Buffer.alloc(210 * 1024)]), "image/png", 413, "logo_too_large"],
    ] as const) {
      const r = await put(body, type);
      expect(r.status, `${type} ${r.text}`).to.equal(status);
      expect(r.body.error).to.equal(error);
    }
    expect(
      (
        await staff.request("PUT", "/api/admin/notification-texts/logo", pngOf(10, 10), {
          "Content-Type": "image/png",
        })
      ).status,
    ).to.equal(403);
    expect(await NotificationLogo.count({ where: { organisationId: org.id } })).to.equal(0);

    const dirty = pngWithExtras();
    expect(dirty.toString("latin1")).to.contain("secret-metadata").and.contain("smuggled");
    const ok = await put(dirty, "image/png");
    expect(ok.status, ok.text).to.equal(200);
    const logo = (ok.body as unknown as View).logo!;
    expect(logo).to.deep.include({ contentType: "image/png", width: 40, height: 20 });
    const stored = await NotificationLogo.findByPk(org.id);
    const bytes = Buffer.from(stored!.data, "base64");
    expect(bytes.toString("latin1")).to.not.contain("secret-metadata").and.not.contain("smuggled");
    expect(bytes.subarray(bytes.length - 8).toString("latin1"), "ends with IEND").to.equal("IEND\xaeB`\x82");
    expect(PNG.sync.read(bytes).width).to.equal(40);
    const audit = await AuditEvent.findOne({
      where: { organisationId: org.id, type: "organisation.notification_logo_changed" },
    });
    expect(audit).to.not.equal(null);

    // A JPEG with an appended payload is re-encoded too.
    const dirtyJpeg = Buffer.concat([jpegOf(30, 30), Buffer.from("<script>trailing</script>")]);
    const j = await put(dirtyJpeg, "image/jpeg");
    expect(j.status, j.text).to.equal(200);
    const storedJpeg = Buffer.from((await NotificationLogo.findByPk(org.id))!.data, "base64");
    expect(storedJpeg.toString("latin1")).to.not.contain("trailing");
    expect(storedJpeg.subarray(storedJpeg.length - 2)).to.deep.equal(Buffer.from([0xff, 0xd9]));
    // Back to the PNG for the e-mail below.
    expect((await put(dirty, "image/png")).status).to.equal(200);
  });

  it("the real notification e-mail carries the texts, the sender name and the inline logo, and no message content", async () => {
    const recipientEmail = uniqueEmail("aviserad");
    const mobile = uniqueMobile();
    const staffApi = await signIn(staffUser);
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: recipientEmail, mobile }],
      subject: "Beslut om bistånd 4711",
      body: "Hemligt innehåll 9876",
    });
    expect(sent.status, sent.text).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(recipientEmail));
    const parsed = mail.parsed;
    expect(parsed.from?.value[0]).to.deep.include({ name: "Sundsvalls kommun" });
    expect(parsed.from?.value[0].address).to.match(/^no-reply@/);
    const html = String(parsed.html);
    expect(html).to.contain(`Sara Handläggare på ${escapeHtml(org.name)} har skickat`);
    expect(html).to.contain("&lt;script&gt;").and.not.contain("<script>");
    expect(parsed.text).to.contain("Frågor? Ring kontaktcenter 060-19 10 00.");
    const raw = mail.raw.toString("utf8");
    expect(raw).to.not.contain("Hemligt").and.not.contain("9876").and.not.contain("4711");
    // mailparser resolves cid: references to data: URLs in `html`; the attachment keeps its cid.
    const attachment = parsed.attachments.find((a) => a.cid && a.contentDisposition === "inline");
    expect(attachment, "the logo is attached inline").to.not.equal(undefined);
    expect(attachment!.cid).to.match(/^logo-[0-9a-f]{16}@kuvert$/);
    expect(attachment!.contentType).to.equal("image/png");
    const stored = await NotificationLogo.findByPk(org.id);
    expect(attachment!.content.equals(Buffer.from(stored!.data, "base64"))).to.equal(true);
    expect(html).to.contain(`src="data:image/png;base64,${stored!.data.slice(0, 40)}`);
    expect(html).to.not.match(/src="https?:/);

    // The new recipient opens the link: the code SMS is in the organisation's words.
    const token = /\/r\/([A-Za-z0-9_-]{43})/.exec(String(parsed.text))![1];
    const visitor = await ApiClient.create();
    const start = await visitor.post(`/api/recipient/${token}/start`, { email: recipientEmail });
    expect(start.status, start.text).to.equal(200);
    await drain(worker);
    await sms.waitForCode(mobile);
    const message = [...sms.messages].reverse().find((m) => m.to === mobile)!.message;
    expect(message.startsWith(`${org.name}: din kod är `), message).to.equal(true);
    expect(message.slice(org.name.length)).to.match(/^: din kod är \d{6} \(10 min\)\.$/);
  });

  it("the ID-check SMS and the add-in's Outlook notification use the texts; a recipient in English gets the English defaults", async () => {
    const reader = await buildUser({ organisation: null });
    const staffApi = await signIn(staffUser);
    const sent = await staffApi.post<{ id: string }>("/api/messages", {
      to: [{ email: reader.email }],
      subject: "Journal 5555",
      body: "Känsligt 5555",
      options: { idCheck: true },
    });
    expect(sent.status, sent.text).to.equal(201);
    const readerApi = await signIn(reader);
    expect((await readerApi.post(`/api/messages/${sent.body.id}/id-check`)).status).to.equal(202);
    await drain(worker);
    await sms.waitForCode(reader.mobile!);
    const text = [...sms.messages].reverse().find((m) => m.to === reader.mobile)!.message;
    expect(text).to.match(/^ID-kontroll \d{6}$/);

    // English recipient: the organisation has no English texts, so the defaults (and no From name).
    const english = await buildUser({ organisation: null });
    expect((await signIn(english).then((a) => a.patch("/api/account", { locale: "en" }))).status).to.equal(200);
    expect(
      (await staffApi.post("/api/messages", { to: [{ email: english.email }], subject: "s", body: "b" })).status,
    ).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(english.email));
    expect(mail.parsed.text).to.contain("Sara Handläggare has sent a secure message").and.not.contain("kontaktcenter");
    expect(mail.parsed.from?.value[0].name).to.equal("Kuvert");

    // The Outlook item the add-in sends as the notification: the Swedish intro and footer, no logo.
    const item = await staffApi.get<{ html: string }>(`/api/addin/notification?messageId=${sent.body.id}&locale=sv`);
    expect(item.status, item.text).to.equal(200);
    expect(item.body.html).to.contain("kontaktcenter").and.not.contain("cid:").and.not.contain("5555");
  });

  it("a logo replaced after the e-mail was queued is left out at delivery, not swapped in", async () => {
    const html =
      '<td><!--kuvert-logo--><img src="cid:logo-0000000000000000@kuvert" alt="x"><!--/kuvert-logo-->Org</td>';
    const mail = { to: "a@example.test", subject: "s", text: "t", html, messageId: "<m@x>" };
    const out = await withInlineLogo(mail, { organisationId: org.id, cid: "logo-0000000000000000@kuvert" });
    expect(out.html).to.equal("<td>Org</td>");
    expect(out.inline).to.equal(undefined);
  });

  it("without a logo the e-mail has no image; after a reset the defaults are back", async () => {
    expect((await admin.delete("/api/admin/notification-texts/logo")).status).to.equal(200);
    const reset = await admin.delete<View>("/api/admin/notification-texts/sv");
    expect(reset.status).to.equal(200);
    expect(reset.body.texts.sv.intro).to.equal(null);
    expect(
      await AuditEvent.count({ where: { organisationId: org.id, type: "organisation.notification_texts_reset" } }),
    ).to.equal(1);
    const recipient = await buildUser({ organisation: null });
    const staffApi = await signIn(staffUser);
    expect(
      (await staffApi.post("/api/messages", { to: [{ email: recipient.email }], subject: "s", body: "b" })).status,
    ).to.equal(201);
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(recipient.email));
    expect(String(mail.parsed.html)).to.not.contain("cid:");
    expect(String(mail.parsed.html)).to.contain("har skickat ett säkert meddelande");
    expect(mail.parsed.attachments).to.have.length(0);
    expect(mail.parsed.from?.value[0].name).to.equal("Kuvert");
  });
});
