// The settings pages for `npm run screenshots` (called from screenshots.ts). SMS is not
// delivered there (no worker), so the two steps that need an SMS code answer with what the
// server would: an enrolment and a set of codes made by the same services.
import QRCode from "qrcode";
import type { Browser, Page } from "playwright-core";
import { transaction } from "../src/db.js";
import { createUser } from "../src/commands/createUser.js";
import type { Organisation } from "../src/models/Organisation.js";
import { startTotpEnrolment } from "../src/services/totp.js";
import { generateBackupCodes } from "../src/services/backupCodes.js";
import { addPhone } from "../src/services/phones.js";

interface SettingsShotsProps {
  browser: Browser;
  baseUrl: string;
  organisation: Organisation;
  password: string;
  newPage(
    browser: Browser,
    baseURL: string,
    viewport: { width: number; height: number },
    language?: "en",
  ): Promise<Page>;
  signIn(page: Page, email: string): Promise<void>;
  shot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
}

const desktop = { width: 1280, height: 800 };
const phone = { width: 360, height: 740 };

export async function settingsScreenshots(p: SettingsShotsProps): Promise<void> {
  const user = await transaction((t) =>
    createUser(t, {
      organisation: p.organisation,
      email: "sara.vik@sundsvall.example",
      mobile: "+46703334455",
      name: "Sara Vik",
      password: p.password,
    }),
  );
  await transaction((t) => addPhone(t, user, { number: "070-987 65 43", country: "SE", name: "Jobbtelefon" }));

  const mockSms = async (page: Page) => {
    await page.route("**/api/account/2fa/sms-code", (r) =>
      r.fulfill({
        status: 202,
        contentType: "application/json",
        body: JSON.stringify({ sent: true, to: "+46•••••55" }),
      }),
    );
    await page.route("**/api/account/2fa/totp/start", async (r) => {
      const e = await transaction((t) => startTotpEnrolment(t, user));
      const qrDataUrl = await QRCode.toDataURL(e.otpauthUri, { errorCorrectionLevel: "M", margin: 1 });
      await r.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ secret: e.secret, otpauthUri: e.otpauthUri, qrSvg: "", qrDataUrl }),
      });
    });
    await page.route("**/api/account/backup-codes", async (r) => {
      if (r.request().method() !== "POST") return r.fallback();
      const codes = await transaction((t) => generateBackupCodes(t, user.id));
      await r.fulfill({ status: 201, contentType: "application/json", body: JSON.stringify({ codes }) });
    });
  };

  let page = await p.newPage(p.browser, p.baseUrl, desktop);
  await mockSms(page);
  await p.signIn(page, user.email);
  await page.goto("/settings");
  await page.getByTestId("account-email").waitFor();
  await p.shot(page, "50-settings-account");
  await page.goto("/settings/security");
  await page.getByTestId("phone").nth(1).waitFor();
  await p.shot(page, "51-settings-security");
  await page.getByTestId("totp-enable").click();
  await page.getByTestId("totp-send-sms").click();
  await page.getByTestId("totp-sms-code").fill("123456");
  await page.getByTestId("totp-sms-next").click();
  await page.getByTestId("totp-secret").waitFor();
  await page.getByTestId("section-totp").scrollIntoViewIfNeeded();
  await p.shot(page, "52-settings-authenticator-qr");
  await page.getByRole("button", { name: "Avbryt" }).click();
  await page.getByTestId("codes-generate").click();
  await page.getByTestId("codes-send-sms").click();
  await page.getByTestId("codes-sms-code").fill("123456");
  await page.getByTestId("codes-create").click();
  await page.getByTestId("codes-shown").waitFor();
  await p.shot(page, "53-settings-one-time-codes");
  await page.getByTestId("codes-print").click();
  await page.getByTestId("print-codes").waitFor();
  await p.shot(page, "54-settings-codes-print-view");
  await page.emulateMedia({ media: "print" });
  await p.shot(page, "55-settings-codes-as-printed");
  await page.emulateMedia({ media: "screen" });
  await page.goto("/settings/activity");
  await page.getByTestId("audit-event").first().waitFor();
  await p.shot(page, "56-settings-activity");
  await page.goto("/settings/options");
  await page.getByTestId("auto-reply-text").waitFor();
  await page.getByRole("switch", { name: "Skicka autosvar" }).click();
  await page
    .getByLabel("Text i autosvaret")
    .fill(
      "Hej! Jag är på semester till och med den 30 juli. Vid brådskande ärenden, ring kontaktcenter på 060-19 10 00.",
    );
  await page.getByLabel("Första dagen").fill("2027-07-05");
  await page.getByLabel("Sista dagen").fill("2027-07-30");
  await p.shot(page, "57-settings-options");
  await page.goto("/settings/data");
  await page.getByTestId("delete-warning").waitFor();
  await p.shot(page, "58-settings-export-and-delete");
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, desktop, "en");
  await p.signIn(page, user.email);
  await page.goto("/settings/security");
  await page.getByTestId("phone").nth(1).waitFor();
  await p.shot(page, "59-settings-security-english");
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, phone);
  await mockSms(page);
  await p.signIn(page, user.email);
  await page.goto("/settings/security");
  await page.getByTestId("phone").nth(1).waitFor();
  await p.shot(page, "60-phone-settings-security");
  await page.goto("/settings/activity");
  await page.getByTestId("audit-event").first().waitFor();
  await p.shot(page, "61-phone-settings-activity");
  await page.context().close();
}
