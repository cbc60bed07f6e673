import crypto from "node:crypto";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import svAdmin from "../../backend/web/src/locales/admin.sv.json" with { type: "json" };
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail, uniqueMobile } from "../support/factories.js";
import { signInThroughUi, usePage } from "../support/browser.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { testWorker } from "../support/outbox.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";

const invitationLink = /http:\/\/kuvert\.test(\/invitation\/[A-Za-z0-9_-]{43})/;
/** Waits for mail and SMS are generous: the outbox worker shares two cores with other suites. */
const DELIVERY_TIMEOUT_MS = 30_000;

/** A fresh browser context on the same server as `page`, as a second person's own browser. */
async function secondBrowser(page: Page): Promise<{ context: BrowserContext; page: Page }> {
  const browser: Browser = page.context().browser()!;
  const context = await browser.newContext({ baseURL: new URL(page.url()).origin });
  return { context, page: await context.newPage() };
}

/** Picks an event type in the audit page's filter and waits until every row shown is of that type. */
async function showAuditEvents(page: Page, type: string): Promise<void> {
  const name = (svAdmin.audit.events as Record<string, string>)[type.replace(/\./g, "_")];
  expect(name, `no Swedish name for ${type}`).to.be.a("string");
  await page.getByTestId("audit-type").click();
  await page.getByRole("option", { name, exact: true }).click();
  await page.waitForFunction((want) => {
    const rows = [...document.querySelectorAll("[data-testid=audit-row]")];
    return rows.length > 0 && rows.every((r) => r.getAttribute("data-type") === want);
  }, type);
}

/**
 * Issue 10's "Done when", as one walk-through in the browser (Swedish, the default): an admin
 * invites a colleague, who accepts from the real e-mail and the real SMS; the admin sets a
 * mandatory signature and a template; the colleague's next message carries both and the
 * recipient reads them; the admin makes two-step verification mandatory and the colleague is
 * taken to enrolment at the next sign-in; every change is in the audit log. Only the first admin,
 * the organisation and the recipient come from factories.
 */
describe("admin console walk-through (issue 10, browser)", function () {
  this.timeout(300_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  const current = usePage();

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    worker.start();
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  it("invite → accept from e-mail and SMS → signature and template → message read with both → 2FA required → audit log", async () => {
    const { page: admin, errors } = current();
    const suffix = crypto.randomBytes(3).toString("hex");
    const org = await buildOrganisation({ name: "Genomgångs kommun" });
    const orgName = org.name;
    const first = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    const recipient = await buildUser({ organisation: null, name: "Rut Mottagare" });
    const colleagueEmail = uniqueEmail("kollega");
    const colleagueMobile = uniqueMobile();
    const colleaguePassword = "Vinterdag-2026";

    // 1. The admin signs in and invites a colleague from the Invitations page.
    await signInThroughUi(admin, first.email, defaultPassword);
    await admin.getByTestId("user-menu").click();
    await admin.getByTestId("menu-admin").click();
    await admin.waitForURL(/\/admin$/);
    await admin.getByTestId("admin-nav-invitations").click();
    await admin.getByTestId("invitations-list").waitFor();
    await admin.getByTestId("invite-email").fill(colleagueEmail);
    await admin.getByTestId("invite-mobile").fill(colleagueMobile);
    await admin.getByTestId("invite-name").fill("Kim Kollega");
    await admin.getByTestId("invite-send").click();
    await admin.getByTestId("invitations-done").waitFor();
    const row = admin.locator(`[data-testid=invitation-row][data-email="${colleagueEmail}"]`);
    expect(await row.getByTestId("invitation-status").innerText()).to.equal(svAdmin.invitations.statuses.pending);

    // 2. The colleague follows the link in the e-mail the SMTP server received, types the SMS code,
    //    chooses a password, accepts the terms and lands in the mailbox.
    const mail = await smtp.waitFor(
      (m) => m.envelopeTo.includes(colleagueEmail) && invitationLink.test(m.parsed.text ?? ""),
      DELIVERY_TIMEOUT_MS,
    );
    expect(mail.parsed.text).to.contain(orgName);
    const path = invitationLink.exec(mail.parsed.text ?? "")![1];
    const colleague = await secondBrowser(admin);
    const c = colleague.page;
    await c.goto(path);
    expect(await c.getByTestId("invitation-lead").innerText()).to.contain(orgName);
    await c.getByTestId("invitation-yes").click();
    await c.getByTestId("invitation-code").waitFor();
    const code = await sms.waitForCode(colleagueMobile, DELIVERY_TIMEOUT_MS);
    await c.getByTestId("invitation-code").fill(code);
    await c.getByTestId("invitation-verify").click();
    await c.getByTestId("invitation-password").fill(colleaguePassword);
    await c.getByText("Jag godkänner Kuverts användarvillkor").click();
    await c.getByTestId("invitation-complete").click();
    await c.waitForURL(/\/mailbox\/inbox$/);
    await c.getByTestId("mailbox-empty").waitFor();

    // The admin sees the invitation answered.
    await admin.reload();
    await row.waitFor();
    expect(await row.getByTestId("invitation-status").innerText()).to.equal(svAdmin.invitations.statuses.accepted);

    // 3. The admin writes a mandatory organisation signature with placeholders…
    await admin.getByTestId("admin-nav-signature").click();
    await admin.getByTestId("signature-preview").waitFor();
    await admin.getByTestId("signature-editor").click();
    await admin.keyboard.type("Vänliga hälsningar ");
    await admin.getByTestId("placeholder-name").click();
    await admin.getByTestId("placeholder-organisation").click();
    await admin.waitForFunction(
      (name) => document.querySelector("[data-testid=signature-preview]")?.textContent?.includes(name) ?? false,
      orgName,
    );
    await admin.getByRole("radio", { name: svAdmin.signature.modeMandatory }).check();
    await admin.getByTestId("signature-save").click();
    await admin.getByTestId("signature-saved").waitFor();

    // …and a template of its own.
    const templateName = `Svar om bygglov ${suffix}`;
    const templateText = `Tack för din ansökan om bygglov (${suffix}). Vi återkommer inom två veckor.`;
    await admin.getByTestId("admin-nav-templates").click();
    await admin.getByTestId("templates-list").waitFor();
    await admin.getByTestId("template-new").click();
    await admin.getByTestId("template-name").fill(templateName);
    await admin.getByTestId("template-body").fill(templateText);
    await admin.getByTestId("template-save").click();
    await admin.getByTestId("templates-done").waitFor();
    await admin.getByTestId("template-item").filter({ hasText: templateName }).waitFor();

    // 4. The colleague's next secure message, written in the web composer with the template:
    //    the composer says the mandatory signature will be added.
    await c.goto("/compose");
    const note = c.getByTestId("mandatory-signature");
    await note.waitFor();
    expect(await note.innerText())
      .to.contain("Kim Kollega")
      .and.contain(orgName);
    const subject = `Ditt bygglov ${suffix}`;
    await c.getByTestId("compose-to").fill(recipient.email);
    await c.getByTestId("compose-subject").fill(subject);
    await c.getByTestId("compose-body").fill("Hej Rut!");
    await c.getByTestId("insert-template").click();
    await c.getByRole("menuitem", { name: templateName }).click();
    await c.waitForFunction(
      (text) => document.querySelector("[data-testid=compose-body]")?.textContent?.includes(text) ?? false,
      templateText,
    );
    await c.getByTestId("compose-send").click();
    await c.waitForURL(/\/mailbox\/sent\/[0-9a-f-]{36}$/);
    await c.getByTestId("message-subject").filter({ hasText: subject }).waitFor();

    // The recipient signs in in their own browser and reads it: the template's text and the
    // signature, filled in with the colleague's name and the organisation.
    const reader = await secondBrowser(admin);
    await signInThroughUi(reader.page, recipient.email, defaultPassword);
    await reader.page.goto("/mailbox/inbox");
    const received = reader.page.getByTestId("message-row").filter({ hasText: subject });
    await received.locator("button").first().click();
    await reader.page.getByTestId("message-subject").filter({ hasText: subject }).waitFor();
    const body = await reader.page.getByTestId("message-body").innerText();
    expect(body).to.contain("Hej Rut!").and.contain(templateText).and.contain("Vänliga hälsningar");
    expect(body).to.contain("Kim Kollega").and.contain(orgName);
    expect(body.indexOf(templateText)).to.be.lessThan(body.indexOf("Vänliga hälsningar"));
    await reader.context.close();

    // 5. The admin makes two-step verification mandatory…
    await admin.getByTestId("admin-nav-policies").click();
    await admin.getByTestId("functions-table").waitFor();
    const toggle = admin.getByTestId("require-second-factor");
    expect(await toggle.getAttribute("aria-checked")).to.equal("false");
    await toggle.click();
    await admin.waitForFunction(
      () => document.querySelector("[data-testid=require-second-factor]")?.getAttribute("aria-checked") === "true",
    );
    await admin.getByTestId("policies-save").click();
    await admin.getByTestId("policies-saved").waitFor();

    // …and the colleague, signing in again, is taken through turning it on.
    await colleague.context.close();
    const again = await secondBrowser(admin);
    await again.page.goto("/login");
    await again.page.getByTestId("email").fill(colleagueEmail);
    await again.page.getByTestId("next").click();
    await again.page.getByTestId("password").fill(colleaguePassword);
    await again.page.getByTestId("sign-in").click();
    await again.page.getByRole("heading", { name: "Slå på tvåstegsverifiering" }).waitFor();
    await again.page.getByText("Din organisation kräver tvåstegsverifiering").waitFor();
    await again.page.getByRole("button", { name: "Slå på tvåstegsverifiering" }).click();
    await again.page.getByTestId("totp-send-sms").waitFor();
    // Nothing else opens before enrolment is done: the mailbox's address leads back to signing in.
    await again.page.goto("/mailbox/inbox");
    await again.page.getByTestId("email").waitFor();
    expect(await again.page.getByTestId("mailbox-empty").count()).to.equal(0);
    expect(await again.page.getByTestId("message-row").count()).to.equal(0);
    await again.context.close();

    // 6. The admin reads each of these events in the audit log, with who did it and whom it concerns.
    await admin.getByTestId("admin-nav-audit").click();
    await admin.getByTestId("chain-intact").waitFor();
    await admin.getByTestId("audit-table").waitFor();
    for (const [type, about] of [
      ["invitation.sent", colleagueEmail],
      ["organisation.signature_changed", null],
      ["template.created", null],
      ["organisation.policy_changed", null],
    ] as const) {
      await showAuditEvents(admin, type);
      const rows = admin.locator(`[data-testid=audit-row][data-type="${type}"]`);
      expect(await rows.count(), type).to.equal(1);
      const text = await rows.first().innerText();
      expect(text, type).to.contain((svAdmin.audit.events as Record<string, string>)[type.replace(/\./g, "_")]);
      expect(text, type).to.contain("Ada Admin");
      if (about) expect(text, type).to.contain(about);
    }
    expect(errors).to.deep.equal([]);
  });
});
