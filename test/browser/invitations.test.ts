import { expect } from "chai";
import type { Page } from "playwright-core";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail, uniqueMobile } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { drain, testWorker } from "../support/outbox.js";
import { transaction } from "../../backend/src/db.js";
import { inviteUsers } from "../../backend/src/commands/inviteUsers.js";
import { User } from "../../backend/src/models/User.js";
import { Invitation } from "../../backend/src/models/Invitation.js";
import type { Organisation } from "../../backend/src/models/Organisation.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";

const linkPattern = /http:\/\/kuvert\.test\/invitation\/([A-Za-z0-9_-]{43})/;

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

async function useEnglish(page: Page): Promise<void> {
  await page.context().addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
}

describe("web app: invitations (F23, browser)", function () {
  this.timeout(180_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  let org: Organisation;
  let admin: User;

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    org = await buildOrganisation({ name: "Bjuds kommun" });
    admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  async function tokenFor(email: string): Promise<string> {
    await drain(worker);
    const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email) && linkPattern.test(m.parsed.text ?? ""));
    return linkPattern.exec(mail.parsed.text ?? "")![1];
  }

  for (const lang of ["sv", "en"] as const) {
    describe(lang === "sv" ? "in Swedish" : "in English", () => {
      const texts =
        lang === "sv"
          ? {
              yes: "Ja tack",
              terms: "Jag godkänner Kuverts användarvillkor",
              pending: "Väntar på svar",
              declined: "Avböjd",
              revoked: "Tillbakadragen",
              accepted: "Accepterad",
            }
          : {
              yes: "Yes please",
              terms: "I accept Kuvert's terms of use",
              pending: "Waiting for answer",
              declined: "Declined",
              revoked: "Withdrawn",
              accepted: "Accepted",
            };

      describe("on a desktop", () => {
        const current = usePage();

        it("the admin invites one person; they accept, confirm the SMS code, choose a password and land in the mailbox", async () => {
          const { page, context, errors } = current();
          if (lang === "en") await useEnglish(page);
          await signInThroughUi(page, admin.email, defaultPassword);
          await page.goto("/admin/invitations");
          await page.getByTestId("invitations-list").waitFor();
          await expectNoSeriousAxe(page, `${lang} invitations`);
          const email = uniqueEmail(`web-${lang}`);
          const mobile = uniqueMobile();
          await page.getByTestId("invite-email").fill(email);
          await page.getByTestId("invite-mobile").fill(mobile);
          await page.getByTestId("invite-name").fill("Wera Webb");
          await page.getByTestId("invite-send").click();
          await page.getByTestId("invitations-done").waitFor();
          const row = page.locator(`[data-testid=invitation-row][data-email="${email}"]`);
          expect(await row.getByTestId("invitation-status").innerText()).to.equal(texts.pending);
          await page.screenshot({ path: `/tmp/kuvert-invitations-admin-${lang}.png`, fullPage: true });

          const token = await tokenFor(email);
          const guest = await context.browser()!.newContext({ baseURL: new URL(page.url()).origin });
          if (lang === "en") await guest.addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
          const g = await guest.newPage();
          await g.goto(`/invitation/${token}`);
          await g.getByTestId("invitation-lead").waitFor();
          expect(await g.getByTestId("invitation-lead").innerText()).to.contain("Bjuds kommun");
          await expectNoSeriousAxe(g, `${lang} invitation answer`);
          await g.screenshot({ path: `/tmp/kuvert-invitation-answer-${lang}.png`, fullPage: true });
          await g.getByRole("button", { name: texts.yes }).click();
          await g.getByTestId("invitation-code").waitFor();
          await expectNoSeriousAxe(g, `${lang} invitation code`);
          await g.screenshot({ path: `/tmp/kuvert-invitation-code-${lang}.png`, fullPage: true });
          await drain(worker);
          const code = await sms.waitForCode(mobile);
          await g.getByTestId("invitation-code").fill(code);
          await g.getByTestId("invitation-verify").click();
          await g.getByTestId("invitation-password").fill("Vinterdag-2026");
          await g.getByText(texts.terms).click();
          await expectNoSeriousAxe(g, `${lang} invitation password`);
          await g.screenshot({ path: `/tmp/kuvert-invitation-password-${lang}.png`, fullPage: true });
          await g.getByTestId("invitation-complete").click();
          await g.waitForURL(/\/mailbox\/inbox$/);
          const user = await User.findOne({ where: { email } });
          expect(user).to.include({ status: "active", role: "staff", organisationId: org.id });

          // The used link is refused with a page of its own.
          await g.goto(`/invitation/${token}`);
          await g.getByTestId("invitation-refused-invitation_used").waitFor();
          await guest.close();

          await page.reload();
          await row.waitFor();
          expect(await row.getByTestId("invitation-status").innerText()).not.to.equal(texts.pending);
          expect(errors).to.deep.equal([]);
        });

        it("No thanks declines; a CSV with a bad row shows the report and imports nothing", async () => {
          const { page, context } = current();
          if (lang === "en") await useEnglish(page);
          await signInThroughUi(page, admin.email, defaultPassword);
          await page.goto("/admin/invitations");
          await page.getByTestId("invitations-list").waitFor();
          const good = uniqueEmail("csv-web");
          const before = await Invitation.count();
          await page.getByTestId("invite-csv").setInputFiles({
            name: "people.csv",
            mimeType: "text/csv",
            buffer: Buffer.from(
              `name,email,mobile,role\nGun,${good},${uniqueMobile()},staff\nBo,bo-at-nowhere,${uniqueMobile()},staff\n`,
            ),
          });
          await page.getByTestId("import-problems").waitFor();
          expect(await page.getByTestId("import-problem").count()).to.equal(1);
          expect(await page.getByTestId("import-problem").innerText()).to.contain(lang === "sv" ? "Rad 3" : "Line 3");
          await expectNoSeriousAxe(page, `${lang} import report`);
          expect(await Invitation.count()).to.equal(before);

          const email = uniqueEmail("decline-web");
          await page.getByTestId("invite-csv").setInputFiles({
            name: "one.csv",
            mimeType: "text/csv",
            buffer: Buffer.from(`name,email,mobile,role\nDina,${email},${uniqueMobile()},staff\n`),
          });
          await page.getByTestId("invitations-done").waitFor();
          const token = await tokenFor(email);
          const guest = await context.browser()!.newContext({ baseURL: new URL(page.url()).origin });
          if (lang === "en") await guest.addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
          const g = await guest.newPage();
          await g.goto(`/invitation/${token}`);
          await g.getByTestId("invitation-no").click();
          await g.getByTestId("invitation-declined").waitFor();
          await guest.close();
          await page.reload();
          const row = page.locator(`[data-testid=invitation-row][data-email="${email}"]`);
          await row.waitFor();
          expect(await row.getByTestId("invitation-status").innerText()).to.equal(texts.declined);
        });
      });

      describe("a long list", () => {
        const current = usePage();

        it("pages 50 at a time with Previous and Next and the total, and filters by status", async () => {
          const { page, errors } = current();
          if (lang === "en") await useEnglish(page);
          const o = await buildOrganisation({ name: `Sidornas kommun ${lang}` });
          const a = await buildUser({ organisation: o, role: "admin", name: "Sid Admin" });
          const made = await transaction((t) =>
            inviteUsers(t, {
              organisationId: o.id,
              inviter: a,
              locale: "sv",
              rows: Array.from({ length: 53 }, (_, i) => ({
                email: uniqueEmail(`lista${i}`),
                mobile: uniqueMobile(),
                name: `Person ${i}`,
                role: "staff" as const,
              })),
              source: "import",
            }),
          );
          if (!made.ok) throw new Error("setup: invitations not made");
          await Invitation.update({ status: "revoked" }, { where: { id: made.invitations[0].id } });
          const range = (from: number, to: number, total: number) =>
            lang === "sv" ? `Visar ${from}–${to} av ${total}` : `Showing ${from}–${to} of ${total}`;

          await signInThroughUi(page, a.email, defaultPassword);
          await page.goto("/admin/invitations");
          await page
            .getByTestId("invitations-range")
            .getByText(range(1, 50, 53))
            .waitFor();
          expect(await page.getByTestId("invitation-row").count()).to.equal(50);
          expect(await page.getByTestId("invitations-previous").isDisabled()).to.equal(true);
          const firstPage = await page
            .getByTestId("invitation-row")
            .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-email")));
          await page.getByTestId("invitations-next").click();
          await page
            .getByTestId("invitations-range")
            .getByText(range(51, 53, 53))
            .waitFor();
          const secondPage = await page
            .getByTestId("invitation-row")
            .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-email")));
          expect(secondPage).to.have.length(3);
          expect(new Set([...firstPage, ...secondPage]).size).to.equal(53);
          expect(await page.getByTestId("invitations-next").isDisabled()).to.equal(true);
          await expectNoSeriousAxe(page, `${lang} invitations page 2`);
          await page.getByTestId("invitations-previous").click();
          await page
            .getByTestId("invitations-range")
            .getByText(range(1, 50, 53))
            .waitFor();

          await page.getByTestId("invitations-status").click();
          await page.getByRole("option", { name: texts.revoked }).click();
          await page
            .getByTestId("invitations-range")
            .getByText(range(1, 1, 1))
            .waitFor();
          const row = page.getByTestId("invitation-row");
          expect(await row.count()).to.equal(1);
          expect(await row.getAttribute("data-email")).to.equal(made.invitations[0].email);
          expect(await row.getByTestId("invitation-status").innerText()).to.equal(texts.revoked);
          await page.getByTestId("invitations-status").click();
          await page.getByRole("option", { name: texts.accepted }).click();
          await page.getByTestId("invitations-none").waitFor();
          expect(await page.getByTestId("invitations-next").isDisabled()).to.equal(true);
          expect(errors).to.deep.equal([]);
        });
      });

      describe("on a 360 px phone", () => {
        const current = usePage({ viewport: { width: 360, height: 740 } });
        it("the admin page and the invitation page fit without sideways scrolling", async () => {
          const { page, context } = current();
          if (lang === "en") await useEnglish(page);
          await signInThroughUi(page, admin.email, defaultPassword);
          await page.goto("/admin/invitations");
          await page.getByTestId("invitations-list").waitFor();
          await page.waitForLoadState("networkidle");
          expect(await hasHorizontalScroll(page)).to.equal(false);
          await expectNoSeriousAxe(page, `360 ${lang} invitations`);
          const email = uniqueEmail("phone");
          const res = await page.evaluate(
            async ([e, m]) => {
              const csrf = document.cookie.match(/kuvert_csrf=([^;]+)/)?.[1] ?? "";
              const r = await fetch("/api/admin/invitations", {
                method: "POST",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                body: JSON.stringify({ email: e, mobile: m, role: "staff" }),
              });
              return r.status;
            },
            [email, uniqueMobile()],
          );
          expect(res).to.equal(201);
          const token = await tokenFor(email);
          const guest = await context.browser()!.newContext({
            baseURL: new URL(page.url()).origin,
            viewport: { width: 360, height: 740 },
          });
          if (lang === "en") await guest.addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
          const g = await guest.newPage();
          await g.goto(`/invitation/${token}`);
          await g.getByTestId("invitation-yes").waitFor();
          expect(await hasHorizontalScroll(g)).to.equal(false);
          await g.goto(`/invitation/${"q".repeat(43)}`);
          await g.getByTestId("invitation-refused-invalid_invitation").waitFor();
          await expectNoSeriousAxe(g, `360 ${lang} refused`);
          await guest.close();
        });
      });
    });
  }
});
