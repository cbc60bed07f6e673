import { expect } from "chai";
import type { Page } from "playwright-core";
import sv from "../../backend/web/src/locales/sv.json" with { type: "json" };
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { transaction } from "../../backend/src/db.js";
import { sendMessage } from "../../backend/src/commands/sendMessage.js";
import type { User } from "../../backend/src/models/User.js";
import { buildUser, defaultPassword, uniqueEmail, uniqueMobile } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { drain, testWorker } from "../support/outbox.js";

const linkPattern = /http:\/\/kuvert\.test\/r\/([A-Za-z0-9_-]{43})/;
/** Text that looks like an untranslated key: "mail.folders.inbox", "signIn.title", … */
const rawKey = new RegExp(`\\b(${[...Object.keys(sv), "mail"].join("|")})\\.[A-Za-z_]`);

async function expectNoRawKeys(page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => {
    const attrs = [...document.querySelectorAll("[aria-label],[title],[placeholder],[alt]")].flatMap((el) =>
      ["aria-label", "title", "placeholder", "alt"].map((a) => el.getAttribute(a) ?? ""),
    );
    return [document.title, document.body.innerText, ...attrs].join("\n");
  });
  expect(rawKey.exec(text)?.[0] ?? null, `${where}: untranslated key`).to.equal(null);
}

/** A message from `from` to `to`, sent through the same command as the API. */
async function deliver(from: User, to: User, subject: string, text: string): Promise<string> {
  const { message } = await transaction((t) =>
    sendMessage(t, {
      sender: from,
      to: [{ email: to.email, mobile: to.mobile }],
      subject,
      text,
      html: null,
      options: {
        idCheck: false,
        burnAfterReading: false,
        eyesOnly: false,
        readReceipt: false,
        notify: false,
        hideRecipients: false,
        expiresAt: null,
      },
    }),
  );
  return message.id;
}

async function rowBySubject(page: Page, subject: string) {
  const row = page.getByTestId("message-row").filter({ hasText: subject });
  await row.waitFor();
  return row;
}

describe("web mailbox (browser)", function () {
  this.timeout(90_000);

  describe("a stranger receives, reads and replies", () => {
    let smtp: SmtpCatcher;
    let sms: SmsCatcher;
    let worker: OutboxWorker;
    const sender = usePage();

    before(async () => {
      smtp = await startSmtpCatcher();
      sms = await startSmsCatcher();
      worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    });
    after(async () => {
      await worker.stop();
      await smtp.close();
      await sms.close();
    });

    it("compose with an attachment → e-mail link → SMS code → password → read, download → reply; the sender sees read and the reply", async () => {
      const { page, context } = sender();
      const staff = await buildUser({ name: "Sara Handläggare" });
      const email = uniqueEmail("medborgare");
      const mobile = uniqueMobile();
      const subject = "Ditt ärende hos kommunen";

      // The sender writes in the browser: mobile asked for the new recipient, subject warning.
      await signInThroughUi(page, staff.email, defaultPassword);
      await page.goto("/compose");
      await page.getByTestId("compose-to").fill(email);
      await page.getByTestId("compose-subject").fill("Beslut 19850709-1232");
      await page.getByTestId("subject-warning").waitFor();
      await page.getByTestId("compose-subject").fill(subject);
      expect(await page.getByTestId("subject-warning").count()).to.equal(0);
      await page.getByTestId("compose-body").fill("Hej! Här kommer beslutet i ditt ärende.");
      await page.getByTestId("compose-files").setInputFiles({
        name: "beslut.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("Beslut: bifall.\n".repeat(5000)),
      });
      await page.locator('[data-testid="upload"][data-status="done"]').waitFor();
      await page.getByTestId("option-readReceipt").click();
      await page.getByTestId("compose-send").click();
      await page.getByTestId("compose-mobile").fill(mobile);
      await page.getByTestId("compose-send").click();
      await page.waitForURL(/\/mailbox\/sent\/[0-9a-f-]{36}$/);
      await page.getByTestId("message-subject").filter({ hasText: subject }).waitFor();

      // The stranger follows the link from the captured e-mail.
      await drain(worker);
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(email));
      expect(mail.parsed.text).to.not.contain("beslutet");
      const token = linkPattern.exec(mail.parsed.text ?? "")?.[1];
      expect(token, mail.parsed.text).to.be.a("string");

      const stranger = await context
        .browser()!
        .newContext({ baseURL: new URL(page.url()).origin, acceptDownloads: true });
      const r = await stranger.newPage();
      await r.goto(`/r/${token}`);
      await r.getByTestId("recipient-email").fill(email);
      await r.getByTestId("recipient-next").click();
      await r.getByTestId("recipient-code").waitFor();
      // The page says what too many wrong codes lead to (S3): waiting a day, then a new link from the sender.
      expect(await r.getByTestId("recipient-code-limits").innerText()).to.match(/nästa dag.*avsändaren/s);
      await drain(worker);
      const code = await sms.waitForCode(mobile);
      await r.getByTestId("recipient-code").fill(code === "000000" ? "000001" : "000000");
      await r.getByTestId("recipient-verify").click();
      await r.getByTestId("error").waitFor();
      await r.getByTestId("recipient-code").fill(code);
      await r.getByTestId("recipient-verify").click();
      await r.getByTestId("recipient-password").fill("kort");
      expect(await r.getByTestId("recipient-register").isDisabled()).to.equal(true);
      await r.getByTestId("recipient-password").fill("Vinterdag-2026");
      await r.getByText("Jag godkänner Kuverts användarvillkor").click();
      await r.getByTestId("recipient-register").click();
      await r.waitForURL(/\/mailbox\/inbox\/[0-9a-f-]{36}$/);
      await r.getByTestId("message-subject").filter({ hasText: subject }).waitFor();
      expect(await r.getByTestId("message-body").innerText()).to.contain("Här kommer beslutet");

      const [download] = await Promise.all([r.waitForEvent("download"), r.getByTestId("attachment-download").click()]);
      expect(download.suggestedFilename()).to.equal("beslut.txt");
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).to.equal("Beslut: bifall.\n".repeat(5000));

      await r.getByTestId("view-reply").click();
      await r.waitForURL(/\/compose\?replyTo=/);
      await r.waitForFunction(() =>
        (document.querySelector('[data-testid="compose-to"]') as HTMLInputElement | null)?.value.includes("@"),
      );
      expect(await r.getByTestId("compose-to").inputValue()).to.equal(staff.email);
      expect(await r.getByTestId("compose-subject").inputValue()).to.equal(`Sv: ${subject}`);
      await r.getByTestId("compose-body").fill("Tack, jag har läst beslutet.");
      await r.getByTestId("compose-send").click();
      await r.waitForURL(/\/mailbox\/sent\/[0-9a-f-]{36}$/);
      await stranger.close();

      // The sender sees "read" in Sent and the reply in the inbox, with the dialog history.
      await page.goto("/mailbox/sent");
      const sentRow = await rowBySubject(page, subject);
      await sentRow.locator('[data-status="read"]').waitFor();
      await page.getByTestId("status-legend").waitFor();
      await page.goto("/mailbox/inbox");
      const reply = await rowBySubject(page, `Sv: ${subject}`);
      expect(await reply.getAttribute("data-unread")).to.equal("true");
      await reply.locator("button").click();
      expect(await page.getByTestId("message-body").innerText()).to.contain("Tack, jag har läst beslutet.");
      await page.getByRole("tab", { name: /Dialoghistorik \(2\)/ }).click();
      const thread = page.getByTestId("thread");
      await thread.getByText("Här kommer beslutet").waitFor();
      await thread.getByText("Tack, jag har läst beslutet.").waitFor();
    });

    it("an ID-checked message opens after the SMS code; burn after reading waits for Show message", async () => {
      const { page } = sender();
      const staff = await buildUser({ name: "Ida Handläggare" });
      const reader = await buildUser({ name: "Rut Läsare" });
      await transaction((t) =>
        sendMessage(t, {
          sender: staff,
          to: [{ email: reader.email, mobile: reader.mobile }],
          subject: "Kontrollerat",
          text: "Bara för dig efter SMS-kod.",
          html: null,
          options: {
            idCheck: true,
            burnAfterReading: true,
            eyesOnly: false,
            readReceipt: false,
            notify: false,
            hideRecipients: false,
            expiresAt: null,
          },
        }),
      );
      await signInThroughUi(page, reader.email, defaultPassword);
      await page.goto("/mailbox/inbox");
      await (await rowBySubject(page, "ID-kontroll")).locator("button").click();
      await page.getByTestId("id-check-send").click();
      await page.getByTestId("id-check-code").waitFor();
      await drain(worker);
      const code = await sms.waitForCode(reader.mobile!);
      await page.getByTestId("id-check-code").fill(code);
      await page.getByTestId("id-check-verify").click();
      await page.getByTestId("reveal").click();
      await page.getByTestId("message-body").filter({ hasText: "Bara för dig efter SMS-kod." }).waitFor();
      await page.getByTestId("message-subject").filter({ hasText: "Kontrollerat" }).waitFor();
    });

    it("someone who already has an account follows the link, signs in and finds the message in the inbox", async () => {
      const { page } = sender();
      const staff = await buildUser({ name: "Hugo Handläggare" });
      const reader = await buildUser({ name: "Kalle Konto" });
      await transaction((t) =>
        sendMessage(t, {
          sender: staff,
          to: [{ email: reader.email }],
          subject: "Till en kontoinnehavare",
          text: "Hej Kalle!",
          html: null,
          options: {
            idCheck: false,
            burnAfterReading: false,
            eyesOnly: false,
            readReceipt: false,
            notify: true,
            hideRecipients: false,
            expiresAt: null,
          },
        }),
      );
      await drain(worker);
      const mail = await smtp.waitFor((m) => m.envelopeTo.includes(reader.email));
      const token = linkPattern.exec(mail.parsed.text ?? "")?.[1];
      await page.goto(`/r/${token}`);
      await page.getByTestId("recipient-email").fill(reader.email);
      await page.getByTestId("recipient-next").click();
      await page.getByTestId("recipient-sign-in").waitFor();
      await page.getByRole("button", { name: "Logga in" }).click();
      await page.getByTestId("email").fill(reader.email);
      await page.getByTestId("next").click();
      await page.getByTestId("password").fill(defaultPassword);
      await page.getByTestId("sign-in").click();
      await page.waitForURL(/\/mailbox\/inbox$/);
      await rowBySubject(page, "Till en kontoinnehavare");
    });

    it("the sender corrects a first-time recipient's wrong mobile number from the sent message", async () => {
      const { page } = sender();
      const staff = await buildUser({ name: "Nina Handläggare" });
      const email = uniqueEmail("fel-nummer");
      const { message } = await transaction((t) =>
        sendMessage(t, {
          sender: staff,
          to: [{ email, mobile: uniqueMobile() }],
          subject: "Fel nummer",
          text: "Hej!",
          html: null,
          options: {
            idCheck: false,
            burnAfterReading: false,
            eyesOnly: false,
            readReceipt: false,
            notify: true,
            hideRecipients: false,
            expiresAt: null,
          },
        }),
      );
      await signInThroughUi(page, staff.email, defaultPassword);
      await page.goto(`/mailbox/sent/${message.id}`);
      await page.getByTestId("correct-mobile").click();
      await page.getByTestId("correct-mobile-input").fill("070-111 22 33");
      await page.getByTestId("correct-mobile-save").click();
      await page.getByText(/Nästa SMS-kod skickas till/).waitFor();
    });

    it("expired, burned and unknown links get a friendly page", async () => {
      const { page } = sender();
      await page.goto(`/r/${"x".repeat(43)}`);
      await page.getByTestId("recipient-email").fill("someone@example.test");
      await page.getByTestId("recipient-next").click();
      await page.getByTestId("link-invalid").waitFor();
      await page.getByRole("heading", { name: "Länken fungerar inte" }).waitFor();
    });
  });

  describe("folders, drag and drop, search and trash", () => {
    const current = usePage();

    it("creates a folder, drags two messages into it, finds one by search, trashes and empties", async () => {
      const { page } = current();
      const me = await buildUser({ name: "Maja Mottagare" });
      const other = await buildUser({ name: "Olof Avsändare" });
      await deliver(other, me, "Protokoll mars", "Protokollet från mötet i mars.");
      await deliver(other, me, "Kallelse april", "Välkommen till mötet om vattenledningen.");
      await deliver(other, me, "Faktura 88", "Fakturan gäller hyra.");

      await signInThroughUi(page, me.email, defaultPassword);
      await page.goto("/mailbox");
      await page.waitForURL(/\/mailbox\/inbox$/);
      await rowBySubject(page, "Faktura 88");

      await page.getByTestId("folder-create").click();
      await page.getByTestId("folder-name").fill("Möten");
      await page.getByTestId("folder-save").click();
      const folderLink = page.getByRole("link", { name: "Möten" });
      await folderLink.waitFor();

      // Ctrl-click selects two; dragging one of them moves both.
      await (await rowBySubject(page, "Protokoll mars")).locator("button").click({ modifiers: ["Control"] });
      await (await rowBySubject(page, "Kallelse april")).locator("button").click({ modifiers: ["Control"] });
      expect(await page.locator('[data-testid="message-row"] input[type="checkbox"]:checked').count()).to.equal(2);
      await (
        await rowBySubject(page, "Kallelse april")
      ).dragTo(page.locator("li[data-folder]").filter({ has: folderLink }));
      await page.getByTestId("notice").waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 1);

      await folderLink.click();
      await page.getByTestId("folder-title").filter({ hasText: "Möten" }).waitFor();
      await rowBySubject(page, "Protokoll mars");
      await rowBySubject(page, "Kallelse april");

      // Search decrypts nothing new in the page: the server searches within the folder.
      await page.getByRole("searchbox").fill("vattenledningen");
      await page.getByRole("searchbox").press("Enter");
      await page.getByTestId("search-status").waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="message-row"]').length === 1);
      await rowBySubject(page, "Kallelse april");

      // The keyboard/menu way to move: select with the checkbox, "Flytta till" → Sparat, and back.
      await page.getByRole("searchbox").fill("");
      await page.getByRole("searchbox").press("Enter");
      await (await rowBySubject(page, "Kallelse april")).getByRole("checkbox").focus();
      await page.keyboard.press("Space");
      await page.getByTestId("move-selected").click();
      await page.getByRole("menuitem", { name: "Sparat" }).click();
      await page.getByTestId("notice").filter({ hasText: "flyttat till Sparat" }).waitFor();
      await page.getByRole("link", { name: "Sparat" }).click();
      await rowBySubject(page, "Kallelse april");
      await folderLink.click();

      // Delete by the menu way, then empty the trash after a permanent-deletion warning.
      await (await rowBySubject(page, "Protokoll mars")).locator(".ms-Checkbox-label").click();
      await page.getByTestId("delete-selected").click();
      await page.getByTestId("notice").waitFor();
      await page.getByRole("link", { name: "Papperskorg" }).click();
      await rowBySubject(page, "Protokoll mars");
      await page.getByTestId("empty-trash").click();
      const warning = page.getByText("raderas direkt och för gott");
      await warning.waitFor();
      expect(await warning.innerText()).to.match(/går inte att ångra/);
      await page.getByTestId("confirm-delete").click();
      await page.getByTestId("mailbox-empty").waitFor();
    });
  });

  describe("languages, accessibility and small screens", () => {
    const desktop = usePage();

    it("mailbox, message, compose, contacts and recipient pages: both languages without raw keys and no serious axe violations", async () => {
      const { page } = desktop();
      const me = await buildUser({ name: "Agnes Ek" });
      const other = await buildUser({ name: "Bo Ek" });
      const id = await deliver(other, me, "Välkommen", "Hej och välkommen.");
      await signInThroughUi(page, me.email, defaultPassword);
      const report: string[] = [];
      for (const lang of ["sv", "en"] as const) {
        if (lang === "en") await page.getByTestId("language-switch").click();
        for (const path of ["/mailbox/inbox", `/mailbox/inbox/${id}`, "/mailbox/sent", "/compose", "/contacts"]) {
          await page.goto(path);
          await page.locator("main h1:visible, main h2:visible").first().waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoRawKeys(page, `${lang} ${path}`);
          if (lang === "sv")
            for (const v of await seriousAxeViolations(page))
              report.push(
                `${path}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
              );
        }
      }
      await page.getByTestId("user-menu").click();
      await page.getByRole("menuitem", { name: "Sign out" }).click();
      await page.goto(`/r/${"y".repeat(43)}`);
      await page.getByTestId("recipient-email").waitFor();
      await expectNoRawKeys(page, "en recipient");
      for (const v of await seriousAxeViolations(page)) report.push(`recipient: ${v.id} (${v.impact}) ${v.help}`);
      expect(report, report.join("\n")).to.deep.equal([]);
    });
  });

  describe("on a 360 px phone", () => {
    const phone = usePage({ viewport: { width: 360, height: 740 } });

    it("has no horizontal scroll on the mailbox, message, compose, contacts and recipient pages", async () => {
      const { page } = phone();
      const me = await buildUser({ name: "Cecilia Långnamn-Andersson" });
      const other = await buildUser({ name: "Dag Ek" });
      const id = await deliver(other, me, "Ett ganska långt ämne som inte får tränga ut sidan åt sidan", "Text.");
      await signInThroughUi(page, me.email, defaultPassword);
      for (const path of ["/mailbox/inbox", `/mailbox/inbox/${id}`, "/mailbox/sent", "/compose", "/contacts"]) {
        await page.goto(path);
        await page.locator("main h1:visible, main h2:visible").first().waitFor();
        await page.waitForLoadState("networkidle");
        expect(await hasHorizontalScroll(page), path).to.equal(false);
      }
      await page.goto(`/r/${"z".repeat(43)}`);
      await page.getByTestId("recipient-email").waitFor();
      expect(await hasHorizontalScroll(page), "recipient").to.equal(false);
    });
  });
});
