// `npm run screenshots`: starts Kuvert on a temporary SQLite database, drives Debian's Chromium
// through the web app's pages and writes PNGs to docs/screenshots/ (desktop and a 360 px phone).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadEnv, setEnv } from "../src/env.js";
import { startServer } from "../src/server.js";
import { transaction } from "../src/db.js";
import { createOrganisation } from "../src/commands/createOrganisation.js";
import { createUser } from "../src/commands/createUser.js";
import { confirmTotpEnrolment, startTotpEnrolment, totpCodeAt } from "../src/services/totp.js";
import { logger } from "../src/logger.js";
import { ensureWebApp } from "./build.js";
import { settingsScreenshots } from "./screenshotsSettings.js";
import { mailScreenshots } from "./screenshotsMail.js";
import { addinPaneScreenshots, addinReadPaneScreenshots, addinSignInScreenshots } from "./screenshotsAddin.js";
import { issueApiToken } from "../src/services/apiTokens.js";
import { adminScreenshots } from "./screenshotsAdmin.js";
import { directoryScreenshots } from "./screenshotsDirectory.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = path.join(root, "docs", "screenshots");
const password = "Sommarregn-2026";
const desktop = { width: 1280, height: 800 };
const phone = { width: 360, height: 740 };

/** Full-page PNG; `fullPage: false` keeps open menus (Fluent closes callouts when the window resizes). */
async function shot(page: Page, name: string, opts: { fullPage?: boolean; keepMouse?: boolean } = {}): Promise<void> {
  if (!opts.keepMouse) await page.mouse.move(0, page.viewportSize()!.height - 1);
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: opts.fullPage ?? true });
  process.stdout.write(`  docs/screenshots/${name}.png\n`);
}

async function newPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number },
  language?: "en",
): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport, deviceScaleFactor: 1 });
  // In every frame, so also in sandboxed previews (no storage there).
  if (language)
    await context.addInitScript(() => {
      try {
        window.localStorage.setItem("kuvert.language", "en");
      } catch {
        // a sandboxed frame
      }
    });
  return context.newPage();
}

async function toPasswordStep(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("next").click();
  await page.getByTestId("password").waitFor();
}

/** Three wrong passwords (the screenshots' organisation locks after three): the account is locked. */
async function lockByWrongPasswords(page: Page, email: string): Promise<void> {
  await toPasswordStep(page, email);
  for (let i = 1; i <= 3; i++) {
    await page.getByTestId("password").fill(`Fel-losenord-${i}`);
    await page.getByTestId("sign-in").click();
    await page.waitForResponse((r) => r.url().endsWith("/api/auth/login"));
  }
  await page.getByTestId("error-locked").waitFor();
}

async function signIn(page: Page, email: string): Promise<void> {
  await toPasswordStep(page, email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("greeting").waitFor();
}

/** Signs in through the API and sends a plain message (as the web composer and add-in do). */
/** Sends a message as `email`; returns its id. */
async function sendAs(baseUrl: string, email: string, to: string, subject: string, text: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`sign-in for the demo message failed: ${login.status}`);
  const cookies = login.headers.getSetCookie().map((c) => c.split(";")[0]);
  const csrf = cookies.find((c) => c.startsWith("kuvert_csrf="))?.slice("kuvert_csrf=".length) ?? "";
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookies.join("; "), "X-CSRF-Token": csrf },
    body: JSON.stringify({ to: [{ email: to }], subject, body: { text } }),
  });
  if (res.status !== 201) throw new Error(`demo message failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function main(): Promise<void> {
  logger.level = "silent";
  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-screenshots-"));
  setEnv(
    loadEnv({
      NODE_ENV: "development",
      VAR_DIR: varDir,
      MASTER_KEY: crypto.randomBytes(32).toString("base64"),
      WORKER_ENABLED: "false",
      LOG_LEVEL: "silent",
    }),
  );
  process.stdout.write("Building the web app …\n");
  await ensureWebApp();
  const server = await startServer({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  try {
    const org = await transaction((t) => createOrganisation(t, { name: "Sundsvalls kommun" }));
    if (process.argv.includes("directory")) {
      // `npm run screenshots -- directory`: only the Microsoft 365 directory page.
      fs.mkdirSync(outDir, { recursive: true });
      await directoryScreenshots({ browser, baseUrl: server.url, password, newPage, signIn, shot });
      return;
    }
    if (process.argv.includes("admin")) {
      // `npm run screenshots -- admin`: only the admin console.
      fs.mkdirSync(outDir, { recursive: true });
      await adminScreenshots({ browser, baseUrl: server.url, organisation: org, password, newPage, signIn, shot });
      await directoryScreenshots({ browser, baseUrl: server.url, password, newPage, signIn, shot });
      return;
    }
    const staff = await transaction((t) =>
      createUser(t, {
        organisation: org,
        email: "anna.lindberg@sundsvall.example",
        mobile: "+46701234567",
        name: "Anna Lindberg",
        password,
      }),
    );
    const withTotp = await transaction((t) =>
      createUser(t, {
        organisation: org,
        email: "erik.nord@sundsvall.example",
        mobile: "+46707654321",
        name: "Erik Nord",
        password,
      }),
    );
    const { secret } = await transaction((t) => startTotpEnrolment(t, withTotp));
    await transaction((t) => confirmTotpEnrolment(t, withTotp, totpCodeAt(secret, Date.now() / 1000 - 30)));
    const locked = await transaction((t) =>
      createUser(t, {
        organisation: org,
        email: "lars.ek@sundsvall.example",
        mobile: "+46709998877",
        name: "Lars Ek",
        password,
      }),
    );

    const colleague = await transaction((t) =>
      createUser(t, {
        organisation: org,
        email: "maria.holm@sundsvall.example",
        mobile: "+46705551234",
        name: "Maria Holm",
        password,
      }),
    );
    await sendAs(
      server.url,
      colleague.email,
      staff.email,
      "Underlag till mötet på torsdag",
      "Hej Anna! Här kommer underlaget.",
    );
    const answerId = await sendAs(
      server.url,
      colleague.email,
      staff.email,
      "Svar angående ärende 2026-114",
      "Hej! Svar nedan.",
    );

    fs.mkdirSync(outDir, { recursive: true });
    process.stdout.write("Writing screenshots:\n");
    const paneToken = await transaction(async (t) => (await issueApiToken(t, staff, "Outlook add-in")).token);
    // A key-less token, as Microsoft sign-in issues it: the read pane asks for the password.
    const readPane = {
      browser,
      baseUrl: server.url,
      token: await transaction(
        async (t) => (await issueApiToken(t, staff, "Outlook add-in (Microsoft sign-in)")).token,
      ),
      link: `${server.url}/mailbox/inbox/${answerId}`,
      shot,
    };
    if (process.argv.includes("addin")) {
      // `npm run screenshots -- addin`: only the add-in (the sign-in dialog's locked state needs
      // the account locked first, as the web sign-in screenshots do in the full run).
      const page = await newPage(browser, server.url, desktop);
      await lockByWrongPasswords(page, locked.email);
      await page.context().close();
      await addinSignInScreenshots({ browser, baseUrl: server.url, password, withTotp, locked, shot });
      await addinPaneScreenshots({ browser, baseUrl: server.url, token: paneToken, recipient: colleague.email, shot });
      await addinReadPaneScreenshots(readPane);
      return;
    }

    let page = await newPage(browser, server.url, desktop);
    await page.goto("/login");
    await page.getByTestId("email").waitFor();
    await shot(page, "01-sign-in-email");
    await toPasswordStep(page, staff.email);
    await page.getByTestId("password").fill("Fel-losenord-1");
    await page.getByTestId("sign-in").click();
    await page.getByTestId("error").waitFor();
    await shot(page, "02-sign-in-wrong-password");

    await lockByWrongPasswords(page, locked.email);
    await shot(page, "03-sign-in-account-locked");

    await toPasswordStep(page, withTotp.email);
    await page.getByTestId("password").fill(password);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("code").waitFor();
    await shot(page, "04-second-factor");
    await page.getByRole("link", { name: "Har du tappat bort din autentiseringsapp?" }).click();
    await page.getByTestId("recover").waitFor();
    await shot(page, "05-lost-authenticator");
    await page.context().close();

    page = await newPage(browser, server.url, desktop);
    await page.goto("/forgot-password");
    await page.getByTestId("email").fill(staff.email);
    await page.getByTestId("next").click();
    await page.getByTestId("new-password").fill("vinter");
    await shot(page, "06-forgot-password");

    await signIn(page, staff.email);
    await shot(page, "07-dashboard");
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem").first().waitFor();
    await page.waitForTimeout(600); // the menu's fade-in
    await shot(page, "08-name-menu", { fullPage: false, keepMouse: true });
    await page.keyboard.press("Escape");
    await page.goto("/no/such/page");
    await page.getByRole("heading").first().waitFor();
    await shot(page, "09-not-found");
    await page.context().close();

    page = await newPage(browser, server.url, desktop, "en");
    await signIn(page, staff.email);
    await shot(page, "10-dashboard-english");
    await page.context().close();

    page = await newPage(browser, server.url, phone);
    await toPasswordStep(page, staff.email);
    await shot(page, "11-phone-sign-in");
    await page.getByTestId("password").fill(password);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("greeting").waitFor();
    await shot(page, "12-phone-dashboard");
    await page.context().close();

    await settingsScreenshots({ browser, baseUrl: server.url, organisation: org, password, newPage, signIn, shot });
    await mailScreenshots({ browser, baseUrl: server.url, organisation: org, password, newPage, signIn, shot });
    await addinSignInScreenshots({ browser, baseUrl: server.url, password, withTotp, locked, shot });
    await addinPaneScreenshots({ browser, baseUrl: server.url, token: paneToken, recipient: colleague.email, shot });
    await addinReadPaneScreenshots(readPane);
    await adminScreenshots({ browser, baseUrl: server.url, organisation: org, password, newPage, signIn, shot });
    await directoryScreenshots({ browser, baseUrl: server.url, password, newPage, signIn, shot });
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(varDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`screenshots failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
