/**
 * The fake Outlook host (fakeOffice.ts) for a page in Chromium: bundled by esbuild into an init
 * script that runs before the page's own scripts, it defines `window.Office` (with `onReady`),
 * optionally legacy Office SSO (`Office.auth.getAccessToken`) and optionally the nested app
 * authentication bridge that Outlook gives MSAL.js (`window.nestedAppAuthBridge`: JSON
 * requests `NestedAppAuthRequest` in, `NestedAppAuthResponse` out).
 *
 * Tokens come from the test through two functions it exposes to the page (page.exposeFunction):
 * `__entraToken(scope, clientId)` for the bridge and `__legacyToken()` for Office SSO — in the
 * tests both run a real sign-in at the local OpenID provider (entraProvider.ts).
 *
 * Use: `await installOutlookHost(page, options)` before `page.goto(...)`; the host's record
 * (bridge requests, SSO calls, dialogs) is `window.__host`, read with `hostRecord(page)`.
 */
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Page } from "playwright-core";
import type { PageGlobals } from "./officeInPageEntry.js";

export interface InPageHostOptions {
  displayLanguage: string;
  /** Requirement sets beyond Mailbox 1.15, e.g. { NestedAppAuth: "1.1", IdentityAPI: "1.3" }. */
  sets: Record<string, string>;
  /**
   * The NAA bridge, or null for none. `silent`: how GetToken answers ("token", or a bridge
   * error status such as "USER_INTERACTION_REQUIRED"); `popup`: how GetTokenPopup answers.
   */
  naa: null | { silent: string; popup: string };
  /** Office.auth.getAccessToken: a token, an Office error code (e.g. 13012), or absent (null). */
  legacy: "token" | number | null;
  /** A received item open in read mode (the read pane); without it a new compose item. */
  read?: { subject: string; bodyHtml: string };
  /** The compose item's content; absent: an empty message. */
  item?: {
    to?: string[];
    subject?: string;
    bodyHtml?: string;
    /** item.from (Mailbox 1.7); null or absent: Outlook reports none. */
    from?: string | null;
    /** getSharedPropertiesAsync's owner (Mailbox 1.8): the item is in this shared mailbox. */
    sharedOwner?: string | null;
  };
}

export interface HostRecord {
  bridge: Array<{ method: string; scope?: string; clientId?: string }>;
  legacyCalls: number;
  dialogs: string[];
}

let bundle: Promise<string> | undefined;

/** This module bundled for the browser (an IIFE that defines `__installOutlookHost`). */
function hostBundle(): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [fileURLToPath(new URL("./officeInPageEntry.ts", import.meta.url))],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: ["es2022"],
      write: false,
      logLevel: "silent",
    })
    .then((r) => r.outputFiles[0].text);
  return bundle;
}

/** Installs the host in every document the page loads from now on. */
export async function installOutlookHost(page: Page, opts: InPageHostOptions): Promise<void> {
  const code = await hostBundle();
  await page.addInitScript({
    content: `${code}\n;globalThis.__installOutlookHost(${JSON.stringify(opts)});`,
  });
}

/** What the host saw so far. */
export function hostRecord(page: Page): Promise<HostRecord> {
  return page.evaluate(() => (window as unknown as PageGlobals).__host.record);
}

/** Waits until the pane has an open Office dialog; returns its URL. */
export async function openedDialog(page: Page, timeout = 30_000): Promise<string> {
  const handle = await page.waitForFunction(
    () => (window as unknown as PageGlobals).__host.office.dialogs[0]?.url,
    undefined,
    { timeout },
  );
  return (await handle.jsonValue()) as string;
}

/** The sign-in dialog page answers the pane (Office.context.ui.messageParent). */
export async function dialogAnswers(page: Page, message: string): Promise<void> {
  await page.evaluate((m) => {
    const host = (window as unknown as PageGlobals).__host;
    host.office.dialogs[0].post(m);
  }, message);
}
