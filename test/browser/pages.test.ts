import { expect } from "chai";
import type { Page } from "playwright-core";
import sv from "../../backend/web/src/locales/sv.json" with { type: "json" };
import { buildUser, defaultPassword } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";

/** Text that looks like an untranslated i18next key, e.g. "signIn.title". */
const rawKey = new RegExp(`\\b(${Object.keys(sv).join("|")})\\.[A-Za-z_]`);

async function visibleTexts(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attrs = [...document.querySelectorAll("[aria-label],[title],[placeholder],[alt]")].flatMap((el) =>
      ["aria-label", "title", "placeholder", "alt"].map((a) => el.getAttribute(a) ?? ""),
    );
    return [document.title, document.body.innerText, ...attrs].join("\n");
  });
}

async function expectNoRawKeys(page: Page, where: string): Promise<void> {
  const text = await visibleTexts(page);
  expect(rawKey.exec(text)?.[0] ?? null, `${where}: untranslated key`).to.equal(null);
}

async function openPasswordStep(page: Page): Promise<void> {
  await page.goto("/login");
  await page.getByTestId("email").fill("someone@example.test");
  await page.getByTestId("next").click();
  await page.getByTestId("password").waitFor();
}

describe("web app: pages, languages, small screens and accessibility (browser)", function () {
  this.timeout(60_000);

  describe("on a desktop", () => {
    const current = usePage();

    it("renders Swedish by default and English after switching, remembered after a reload, with no raw keys", async () => {
      const { page } = current();
      await page.goto("/login");
      await page.getByRole("heading", { name: "Logga in" }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal("sv");
      expect(await page.title()).to.equal("Logga in – Kuvert");
      await expectNoRawKeys(page, "sv /login");

      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).to.equal("en");
      await page.reload();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(await page.getByLabel("E-mail address").count()).to.equal(1);
      await expectNoRawKeys(page, "en /login");

      for (const [path, heading] of [
        ["/forgot-password", "Forgot password"],
        ["/recovery", "Lost your authenticator"],
        ["/no/such/page", "Page not found"],
      ] as const) {
        await page.goto(path);
        await page.getByRole("heading", { name: heading }).waitFor();
        await expectNoRawKeys(page, `en ${path}`);
      }
      await page.getByRole("button", { name: "Svenska" }).click();
      await page.getByRole("heading", { name: "Sidan finns inte" }).waitFor();
      await expectNoRawKeys(page, "sv 404");
    });

    it("renders the signed-in pages in both languages with no raw keys, loading nothing from other sites", async () => {
      const { page, baseUrl, errors } = current();
      const foreign: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(baseUrl) && !r.url().startsWith("data:")) foreign.push(r.url());
      });
      const user = await buildUser({ name: "Britta Holm" });
      await signInThroughUi(page, user.email, defaultPassword);
      for (const lang of ["sv", "en"] as const) {
        if (lang === "en") await page.getByRole("button", { name: "English" }).click();
        await page
          .getByTestId("greeting")
          .filter({ hasText: lang === "sv" ? "Välkommen" : "Welcome" })
          .waitFor();
        await expectNoRawKeys(page, `${lang} dashboard`);
        await page.getByTestId("user-menu").click();
        await page.getByRole("menuitem").first().waitFor();
        await expectNoRawKeys(page, `${lang} name menu`);
        await page.keyboard.press("Escape");
        for (const path of ["/settings", "/mailbox", "/contacts", "/compose"]) {
          await page.goto(path);
          await page.locator("main h1").first().waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoRawKeys(page, `${lang} ${path}`);
        }
        await page.goto("/");
      }
      expect(foreign, "requests to other sites").to.deep.equal([]);
      expect(
        errors.filter((e) => /Content Security Policy/.test(e)),
        "CSP violations",
      ).to.deep.equal([]);
    });

    it("answers unknown addresses with the friendly 404 page (HTTP 404) and a way home", async () => {
      const { page } = current();
      const res = await page.goto("/this/does/not/exist");
      expect(res?.status()).to.equal(404);
      await page.getByRole("heading", { name: "Sidan finns inte" }).waitFor();
      await page.getByRole("link", { name: "Till startsidan", exact: true }).click();
      await page.waitForURL("**/login");
    });

    it("can be used with the keyboard alone: skip link, fields and buttons in order, visible focus", async () => {
      const { page } = current();
      const user = await buildUser();
      await page.goto("/login");
      await page.getByTestId("email").waitFor();
      expect(
        await page.evaluate(() => document.activeElement?.getAttribute("data-testid")),
        "e-mail field focused",
      ).to.equal("email");
      // Backwards from the field: language switch, product name, then the skip link comes first.
      for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal("Hoppa till innehållet");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("email");
      await page.keyboard.type(user.email);
      await page.keyboard.press("Enter");
      await page.getByTestId("password").waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("password");
      await page.keyboard.type(defaultPassword);
      await page.keyboard.press("Tab"); // the show-password button
      await page.keyboard.press("Tab"); // Sign in
      const outline = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return {
          text: el.textContent,
          outline: getComputedStyle(el, "::after").borderStyle + getComputedStyle(el).outlineStyle,
        };
      });
      expect(outline.text).to.equal("Logga in");
      expect(outline.outline).to.match(/solid/);
      await page.keyboard.press("Enter");
      await page.getByTestId("greeting").waitFor();
    });

    it("has no serious or critical axe-core violations on the sign-in, reset, recovery, dashboard and 404 pages", async () => {
      const { page } = current();
      const report: string[] = [];
      const check = async (name: string) => {
        for (const v of await seriousAxeViolations(page))
          report.push(
            `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
          );
      };
      await page.goto("/login");
      await page.getByTestId("email").waitFor();
      await check("sign-in e-mail");
      await openPasswordStep(page);
      await check("sign-in password");
      await page.goto("/forgot-password");
      await page.getByTestId("email").waitFor();
      await check("forgot password");
      await page.goto("/recovery");
      await page.getByTestId("recovery-sign-in-first").waitFor();
      await check("recovery");
      await page.goto("/nope");
      await page.getByRole("heading").first().waitFor();
      await check("404");
      const user = await buildUser({ name: "Carl Dahl" });
      await signInThroughUi(page, user.email, defaultPassword);
      await check("dashboard");
      await page.getByTestId("user-menu").click();
      await page.getByRole("menuitem").first().waitFor();
      // Measure colours after the menu's fade-in, not half-way through it.
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
      await check("name menu");
      expect(report).to.deep.equal([]);
    });
  });

  describe("on a 360 px wide phone", () => {
    const current = usePage({ viewport: { width: 360, height: 740 } });

    it("has no horizontal scroll on any page, signed out or in", async () => {
      const { page } = current();
      const wide: string[] = [];
      const check = async (name: string) => {
        if (await hasHorizontalScroll(page)) wide.push(name);
      };
      await page.goto("/login");
      await page.getByTestId("email").waitFor();
      await check("sign-in");
      await openPasswordStep(page);
      await page.getByTestId("password").fill("Wrong-password-1");
      await check("sign-in password");
      await page.goto("/forgot-password");
      await page.getByTestId("email").waitFor();
      await check("forgot password");
      await page.goto("/recovery");
      await page.getByTestId("recovery-sign-in-first").waitFor();
      await check("recovery");
      await page.goto("/nope");
      await page.getByRole("heading").first().waitFor();
      await check("404");
      const user = await buildUser({ name: "Dagny Ek-Wallenberg Lindström" });
      await signInThroughUi(page, user.email, defaultPassword);
      await check("dashboard");
      for (const lang of ["English"]) {
        await page.getByRole("button", { name: lang }).click();
        await page.getByTestId("greeting").filter({ hasText: "Welcome" }).waitFor();
        await check("dashboard en");
      }
      expect(wide).to.deep.equal([]);
    });
  });
});
