// `npm run screenshots`, the Outlook add-in: its compose pane's sending states and the Kuvert sign-in dialog (/addin/signin.html) at the
// width of Outlook's dialog (360 px), Swedish and English. Outlook is stood in for by a minimal
// Office object (onReady, the display language, messageParent); office.js answers empty.
import type { Browser, Page } from "playwright-core";
import { ensureAddin } from "../../addin/scripts/buildAddin.js";
import { officeJsOrigin } from "#shared/officeHosts.js";

export interface AddinScreenshotDeps {
  browser: Browser;
  baseUrl: string;
  password: string;
  /** A user with an authenticator app, and one whose account is locked. */
  withTotp: { email: string };
  locked: { email: string };
  shot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
}

async function dialogPage(deps: AddinScreenshotDeps, displayLanguage: string): Promise<Page> {
  const context = await deps.browser.newContext({
    baseURL: deps.baseUrl,
    viewport: { width: 360, height: 560 },
    deviceScaleFactor: 1,
  });
  await context.route(`${officeJsOrigin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
  );
  // A plain script (a serialised function would call tsx's __name helper, absent in the page).
  await context.addInitScript({
    content: `window.Office = {
      onReady: (cb) => Promise.resolve().then(() => cb && cb()),
      context: { displayLanguage: ${JSON.stringify(displayLanguage)}, ui: { messageParent: () => undefined } },
    };`,
  });
  const page = await context.newPage();
  await page.goto("/addin/signin.html");
  await page.getByTestId("dialog-email").waitFor();
  return page;
}

export async function addinSignInScreenshots(deps: AddinScreenshotDeps): Promise<void> {
  await ensureAddin();
  let page = await dialogPage(deps, "sv-SE");
  await deps.shot(page, "70-addin-sign-in-dialog");
  await page.getByTestId("dialog-email").fill(deps.withTotp.email);
  await page.getByTestId("dialog-password").fill(deps.password);
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("dialog-code").waitFor();
  await deps.shot(page, "71-addin-sign-in-second-factor");
  await page.context().close();

  page = await dialogPage(deps, "en-US");
  await page.getByTestId("dialog-email").fill(deps.locked.email);
  await page.getByTestId("dialog-password").fill(deps.password);
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("dialog-locked").waitFor();
  await deps.shot(page, "72-addin-sign-in-locked-english");
  await page.context().close();
}

export interface AddinPaneScreenshotDeps {
  browser: Browser;
  baseUrl: string;
  /** An API token of the sender (as after signing in to the pane). */
  token: string;
  recipient: string;
  shot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
}

/**
 * A minimal Outlook compose host as a plain script (no serialised functions): Office.js's
 * mailbox surface the pane uses, `Mailbox 1.<mailbox>`, roaming settings, and the item in
 * `window.__item` (attachments can be added from the outside).
 */
function composeHost(opts: { displayLanguage: string; mailbox: number; to: string; token: string }): string {
  return `(() => {
    if (location.pathname !== "/addin/taskpane.html") return;
    localStorage.setItem("kuvert.addin.token", ${JSON.stringify(opts.token)});
    const item = { to: [${JSON.stringify(opts.to)}], subject: "Beslut om bistånd", body: "<p>Hej! Beslutet finns i bilagan.</p>",
      attachments: [{ id: "a1", name: "beslut.pdf", content: btoa("beslut") }], sent: false };
    window.__item = item;
    const ok = (cb, value, apply) => setTimeout(() => { if (apply) apply(); cb({ status: 0, value }); }, 0);
    const list = (key) => ({ getAsync: (cb) => ok(cb, (key === "to" ? item.to : []).map((e) => ({ emailAddress: e, displayName: e }))),
      addAsync: (l, cb) => ok(cb), setAsync: (l, cb) => ok(cb) });
    const settings = new Map();
    window.Office = {
      AsyncResultStatus: { Succeeded: 0, Failed: 1 }, CoercionType: { Html: "html", Text: "text" },
      EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
      onReady: (cb) => new Promise((r) => setTimeout(() => { const i = { host: "Outlook", platform: "OfficeOnline" }; if (cb) cb(i); r(i); }, 0)),
      context: {
        displayLanguage: ${JSON.stringify(opts.displayLanguage)},
        requirements: { isSetSupported: (n, v = "1.1") => n === "Mailbox" && Number(v.split(".")[1] || 0) <= ${opts.mailbox} },
        roamingSettings: { get: (k) => settings.get(k), set: (k, v) => settings.set(k, v), remove: (k) => settings.delete(k), saveAsync: (cb) => cb && ok(cb) },
        ui: { displayDialogAsync: () => undefined, messageParent: () => undefined },
        mailbox: { item: {
          to: list("to"), cc: list("cc"), bcc: list("bcc"),
          subject: { getAsync: (cb) => ok(cb, item.subject), setAsync: (s, cb) => ok(cb, undefined, () => (item.subject = s)) },
          body: { getAsync: (t, cb) => ok(cb, item.body), setAsync: (h, o, cb) => ok(cb, undefined, () => (item.body = h)) },
          getAttachmentsAsync: (cb) => ok(cb, item.attachments.map((a) => ({ id: a.id, name: a.name, size: 6, attachmentType: "file", isInline: false, contentType: "application/pdf" }))),
          getAttachmentContentAsync: (id, cb) => ok(cb, { format: "base64", content: (item.attachments.find((a) => a.id === id) || { content: "" }).content }),
          removeAttachmentAsync: (id, cb) => ok(cb, undefined, () => (item.attachments = item.attachments.filter((a) => a.id !== id))),
          saveAsync: (cb) => ok(cb, "AAMkDraft="),
          sendAsync: (cb) => ok(cb, undefined, () => (item.sent = true)),
        } },
      },
    };
  })();`;
}

async function panePage(
  deps: AddinPaneScreenshotDeps,
  opts: { displayLanguage: string; mailbox: number },
): Promise<Page> {
  const context = await deps.browser.newContext({
    baseURL: deps.baseUrl,
    viewport: { width: 360, height: 900 },
    deviceScaleFactor: 1,
    // Outlook's browser speaks the user's language: the date field's format follows it.
    locale: opts.displayLanguage,
  });
  await context.route(`${officeJsOrigin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
  );
  await context.addInitScript({ content: composeHost({ ...opts, to: deps.recipient, token: deps.token }) });
  const page = await context.newPage();
  await page.goto("/addin/taskpane.html?mode=compose");
  await page.getByTestId("send-securely").waitFor();
  return page;
}

/** The compose pane (security functions) and its sending states (issue 12): the item sent as the notification, the fallback, a late attachment. */
export async function addinPaneScreenshots(deps: AddinPaneScreenshotDeps): Promise<void> {
  await ensureAddin();
  let page = await panePage(deps, { displayLanguage: "en-US", mailbox: 15 });
  await deps.shot(page, "76-addin-pane-compose-english", { fullPage: true });
  await page.context().close();

  page = await panePage(deps, { displayLanguage: "sv-SE", mailbox: 15 });
  await deps.shot(page, "76-addin-pane-compose", { fullPage: true });
  await page.getByTestId("send-securely").click();
  await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
  await deps.shot(page, "73-addin-pane-sent-as-notification");
  await page.context().close();

  // A large file picked in the pane, caught mid-upload: the second chunk waits until the shot is taken.
  page = await panePage(deps, { displayLanguage: "sv-SE", mailbox: 15 });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let chunks = 0;
  await page.route("**/attachments/uploads/*/chunks/**", async (route) => {
    if (++chunks === 2) await held;
    await route.continue();
  });
  const chooser = page.waitForEvent("filechooser");
  await page.getByTestId("add-files-button").click();
  await (
    await chooser
  ).setFiles({ name: "utredning-2026.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(20 * 1024 * 1024, 7) });
  await page.getByTestId("send-securely").click();
  await page.getByTestId("upload-progress-total").waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => {
    const total = document.querySelector('[data-testid="upload-progress-total"]')?.textContent ?? "";
    return /[1-9]\d* %/.test(total);
  });
  await deps.shot(page, "79-addin-pane-upload-progress", { fullPage: true });
  release();
  await page.getByTestId("send-done").waitFor({ timeout: 60_000 });
  await page.context().close();

  page = await panePage(deps, { displayLanguage: "en-US", mailbox: 14 });
  await page.getByTestId("compose-fallback").waitFor();
  await deps.shot(page, "74-addin-pane-without-mailbox-1-15-english");
  await page.context().close();

  page = await panePage(deps, { displayLanguage: "sv-SE", mailbox: 15 });
  await page.route("**/api/messages", async (route) => {
    if (route.request().method() === "POST")
      await page.evaluate(() =>
        (window as unknown as { __item: { attachments: object[] } }).__item.attachments.push({
          id: "late",
          name: "sen.pdf",
          content: btoa("klartext"),
        }),
      );
    await route.continue();
  });
  await page.getByTestId("send-securely").click();
  await page.getByTestId("finish-notification").waitFor({ timeout: 30_000 });
  await deps.shot(page, "75-addin-pane-attachment-added-notification-waits");
  await page.context().close();
}

export interface AddinReadPaneScreenshotDeps {
  browser: Browser;
  baseUrl: string;
  /** A key-less API token of the reader (as after Microsoft sign-in). */
  token: string;
  /** The message's link in the notification e-mail (the secure mailbox). */
  link: string;
  shot(page: Page, name: string, opts?: { fullPage?: boolean }): Promise<void>;
}

/** A minimal Outlook read host as a plain script: the notification e-mail open in read mode. */
function readHost(opts: { displayLanguage: string; token: string; link: string }): string {
  return `(() => {
    if (location.pathname !== "/addin/taskpane.html") return;
    localStorage.setItem("kuvert.addin.token", ${JSON.stringify(opts.token)});
    const body = ${JSON.stringify(`<p>Du har fått ett säkert meddelande.</p><p><a href="${opts.link}">Läs meddelandet</a></p>`)};
    const ok = (cb, value) => setTimeout(() => cb({ status: 0, value }), 0);
    const settings = new Map();
    window.Office = {
      AsyncResultStatus: { Succeeded: 0, Failed: 1 }, CoercionType: { Html: "html", Text: "text" },
      EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
      onReady: (cb) => new Promise((r) => setTimeout(() => { const i = { host: "Outlook", platform: "OfficeOnline" }; if (cb) cb(i); r(i); }, 0)),
      context: {
        displayLanguage: ${JSON.stringify(opts.displayLanguage)},
        requirements: { isSetSupported: (n, v = "1.1") => n === "Mailbox" && Number(v.split(".")[1] || 0) <= 15 },
        roamingSettings: { get: (k) => settings.get(k), set: (k, v) => settings.set(k, v), remove: (k) => settings.delete(k), saveAsync: (cb) => cb && ok(cb) },
        ui: { displayDialogAsync: () => undefined, messageParent: () => undefined },
        mailbox: { item: {
          itemId: "AAMkRead=", to: [], cc: [], subject: "Du har fått ett säkert meddelande", attachments: [],
          body: { getAsync: (t, cb) => ok(cb, body) },
          getAttachmentContentAsync: (id, cb) => ok(cb, { format: "base64", content: "" }),
        } },
      },
    };
  })();`;
}

/** The read pane's unlock form after Microsoft sign-in (issue 12): Swedish, then English with a wrong password. */
export async function addinReadPaneScreenshots(deps: AddinReadPaneScreenshotDeps): Promise<void> {
  await ensureAddin();
  for (const displayLanguage of ["sv-SE", "en-US"]) {
    const context = await deps.browser.newContext({
      baseURL: deps.baseUrl,
      viewport: { width: 360, height: 640 },
      deviceScaleFactor: 1,
    });
    await context.route(`${officeJsOrigin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
    );
    await context.addInitScript({ content: readHost({ displayLanguage, token: deps.token, link: deps.link }) });
    const page = await context.newPage();
    await page.goto("/addin/taskpane.html?mode=read");
    await page.getByTestId("unlock-form").waitFor({ timeout: 30_000 });
    if (displayLanguage === "sv-SE") {
      await deps.shot(page, "77-addin-read-pane-unlock");
    } else {
      await page.getByTestId("unlock-password").fill("Fel-losenord-1");
      await page.getByTestId("unlock-submit").click();
      await page.getByTestId("unlock-error").waitFor();
      await deps.shot(page, "78-addin-read-pane-unlock-wrong-password-english");
    }
    await context.close();
  }
}
