// `npm run screenshots`, the Outlook add-in's Kuvert sign-in dialog (/addin/signin.html) at the
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
