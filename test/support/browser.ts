// Browser tests: Debian's Chromium driven by playwright-core, launched once per mocha process;
// each test gets a fresh context (cookies, storage) against the real backend from getTestServer().
import fs from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { ensureWebApp } from "../../backend/web/build.js";
import { getTestServer } from "./server.js";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const launchArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

let browserPromise: Promise<Browser> | undefined;
let bundlePromise: Promise<unknown> | undefined;

/** Builds the web app once per process (skipped when dist/web already holds these sources). */
export function ensureBundle(): Promise<unknown> {
  bundlePromise ??= ensureWebApp();
  return bundlePromise;
}

/** The shared headless Chromium of this process. */
export function getBrowser(): Promise<Browser> {
  browserPromise ??= chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
  return browserPromise;
}

export async function closeBrowser(): Promise<void> {
  const pending = browserPromise;
  browserPromise = undefined;
  if (pending) await (await pending).close().catch(() => undefined);
}

// A top-level hook registered while a spec file loads this module runs once after all tests.
if (typeof after === "function") after(closeBrowser);

export interface PageOptions {
  viewport?: { width: number; height: number };
}

export interface BrowserPage {
  page: Page;
  context: BrowserContext;
  baseUrl: string;
  /** Uncaught errors and console errors seen in the page so far. */
  errors: string[];
}

function slug(text: string): string {
  return text
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 80);
}

/**
 * Call inside a describe(): gives each test a new browser context and page on the test
 * server; a failing test leaves a full-page screenshot in /tmp/kuvert-browser-<test>.png.
 */
export function usePage(options: PageOptions = {}): () => BrowserPage {
  let current: BrowserPage | undefined;
  before(async function () {
    this.timeout(120_000);
    if (!fs.existsSync(chromiumPath))
      throw new Error(`Chromium not found at ${chromiumPath} (apt-get install chromium)`);
    await ensureBundle();
    await getBrowser();
  });
  beforeEach(async function () {
    const baseUrl = await getTestServer();
    const browser = await getBrowser();
    const context = await browser.newContext({
      baseURL: baseUrl,
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    current = { page, context, baseUrl, errors };
  });
  afterEach(async function () {
    const c = current;
    current = undefined;
    if (!c) return;
    if (this.currentTest?.state === "failed") {
      const file = `/tmp/kuvert-browser-${slug(this.currentTest.fullTitle())}.png`;
      await c.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      process.stderr.write(`  screenshot: ${file}\n`);
    }
    await c.context.close().catch(() => undefined);
  });
  return () => {
    if (!current) throw new Error("usePage(): no page outside a test");
    return current;
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core in the page (evaluated over the DevTools protocol, so the page's CSP does not
 * block it) and returns the violations of impact serious or critical.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> };
    };
    const result = await w.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** True when the page can scroll sideways (content wider than the viewport). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** Signs in through the sign-in page (any language) and waits for the dashboard. */
export async function signInThroughUi(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("email").fill(email);
  await page.getByTestId("next").click();
  await page.getByTestId("password").fill(password);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("greeting").waitFor();
}
