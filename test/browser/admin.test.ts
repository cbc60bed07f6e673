import { expect } from "chai";
import type { Page } from "playwright-core";
import sv from "../../backend/web/src/locales/sv.json" with { type: "json" };
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { User } from "../../backend/src/models/User.js";
import { Organisation } from "../../backend/src/models/Organisation.js";

/** Text that looks like an untranslated i18next key ("admin.users.title"). */
const rawKey = new RegExp(`\\b(${[...Object.keys(sv), "settings", "mail", "admin"].join("|")})\\.[A-Za-z_0-9]`);

/** Every admin page and a test id that shows it has loaded. */
const adminPages = [
  ["/admin", "users-table"],
  ["/admin/invitations", "invitations-list"],
  ["/admin/policies", "functions-table"],
  ["/admin/templates", "templates-list"],
  ["/admin/signature", "signature-preview"],
  ["/admin/notifications", "notif-preview"],
  ["/admin/usage", "usage-numbers"],
  ["/admin/audit", "chain-intact"],
] as const;

async function expectNoRawKeys(page: Page, where: string): Promise<void> {
  const text = await page.evaluate(() => {
    const attrs = [...document.querySelectorAll("[aria-label],[title],[placeholder],[alt]")].flatMap((el) =>
      ["aria-label", "title", "placeholder", "alt"].map((a) => el.getAttribute(a) ?? ""),
    );
    return [document.title, document.body.innerText, ...attrs].join("\n");
  });
  expect(rawKey.exec(text)?.[0] ?? null, `${where}: untranslated key`).to.equal(null);
}

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

async function useEnglish(page: Page): Promise<void> {
  // Init scripts run in every frame, the sandboxed notification preview too (no storage there).
  await page.context().addInitScript(() => {
    try {
      window.localStorage.setItem("kuvert.language", "en");
    } catch {
      // the sandboxed preview frame
    }
  });
}

describe("web app: admin console (browser)", function () {
  this.timeout(120_000);
  let org: Organisation;
  let admin: User;
  let staff: User;

  before(async () => {
    org = await buildOrganisation({ name: "Sundsvalls kommun" });
    admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    staff = await buildUser({ organisation: org, role: "staff", name: "Sven Staff" });
    await buildUser({ organisation: org, role: "staff", name: "Lisa Låst" }).then((u) =>
      User.update({ lockedAt: new Date(), failedLoginCount: 3 }, { where: { id: u.id } }),
    );
  });

  describe("on a desktop", () => {
    const current = usePage();

    for (const lang of ["sv", "en"] as const) {
      it(`shows every admin page in ${lang === "sv" ? "Swedish" : "English"} with no serious axe violations`, async () => {
        const { page, errors } = current();
        if (lang === "en") await useEnglish(page);
        await signInThroughUi(page, admin.email, defaultPassword);
        await page.getByTestId("user-menu").click();
        await page.getByTestId("menu-admin").click();
        await page.waitForURL(/\/admin$/);
        for (const [path, ready] of adminPages) {
          await page.goto(path);
          await page.getByTestId(ready).waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoRawKeys(page, `${lang} ${path}`);
          await expectNoSeriousAxe(page, `${lang} ${path}`);
        }
        expect(await page.getByRole("heading", { level: 1 }).innerText()).to.equal("Administration");
        expect(errors).to.deep.equal([]);
      });
    }

    it("navigation: the ten pages stand in one side column, each on one line, beside the page", async () => {
      const { page } = current();
      await signInThroughUi(page, admin.email, defaultPassword);
      await page.goto("/admin/policies");
      await page.getByTestId("functions-table").waitFor();
      expect(await page.getByTestId("admin-nav-toggle").isVisible(), "no menu button on a desktop").to.equal(false);
      const links = page.getByRole("navigation", { name: "Administrationssidor" }).getByRole("link");
      expect(await links.count()).to.equal(10);
      const boxes = await Promise.all((await links.all()).map(async (l) => (await l.boundingBox())!));
      const lineHeight = await links
        .first()
        .evaluate(
          (el) => parseFloat(getComputedStyle(el).lineHeight) + parseFloat(getComputedStyle(el).paddingTop) * 2,
        );
      for (const [i, box] of boxes.entries()) {
        expect(box.x, `link ${i} in the column`).to.equal(boxes[0].x);
        expect(box.height, `link ${i} on one line`).to.be.at.most(lineHeight + 1);
        if (i > 0) expect(box.y, `link ${i} below the one before`).to.be.greaterThan(boxes[i - 1].y);
      }
      const content = (await page.getByTestId("functions-table").boundingBox())!;
      expect(content.x, "the page beside the column").to.be.greaterThan(boxes[0].x + boxes[0].width);
      expect(await page.getByTestId("admin-nav-policies").getAttribute("aria-current")).to.equal("page");
      await page.getByTestId("admin-nav-audit").click();
      await page.getByTestId("chain-intact").waitFor();
      expect(await hasHorizontalScroll(page)).to.equal(false);
    });

    it("staff and signed-out visitors do not get the admin area", async () => {
      const { page } = current();
      await signInThroughUi(page, staff.email, defaultPassword);
      await page.getByTestId("user-menu").click();
      await page.getByRole("menuitem").first().waitFor();
      expect(await page.getByTestId("menu-admin").count()).to.equal(0);
      await page.keyboard.press("Escape");
      await page.goto("/admin");
      await page.getByText("Sidan finns inte").waitFor();
      expect(await page.getByTestId("users-table").count()).to.equal(0);
    });

    it("users: search, filter by status, and deactivate through the confirmation dialog", async () => {
      const { page } = current();
      const target = await buildUser({ organisation: org, role: "staff", name: "Tove Tillfällig" });
      await signInThroughUi(page, admin.email, defaultPassword);
      await page.goto("/admin");
      await page.getByTestId("users-table").waitFor();
      await page.getByTestId("users-search").fill("tove");
      await page.locator(`[data-testid=user-row][data-email="${target.email}"]`).waitFor();
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=user-row]").length === 1);

      await page.getByTestId("user-actions").click();
      await page.getByTestId("action-deactivate").click();
      await page.getByTestId("confirm-action").waitFor();
      await expectNoSeriousAxe(page, "deactivate dialog");
      await page.getByTestId("confirm-action").click();
      await page.getByTestId("users-done").waitFor();
      // The dialog's focus trap must be gone before typing: while it closes it takes the focus
      // back, and the keystrokes that clear the search would go nowhere.
      await page.getByTestId("confirm-action").waitFor({ state: "detached" });
      expect(await page.getByTestId("user-status").innerText()).to.equal("Inaktiverad");
      expect((await User.findByPk(target.id))!.status).to.equal("deactivated");

      await page.getByTestId("users-search").fill("");
      await page.waitForFunction(
        () => (document.querySelector("[data-testid=users-search]") as HTMLInputElement | null)?.value === "",
      );
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=user-row]").length > 1);
      await page.waitForLoadState("networkidle");
      await page.getByTestId("users-status").click();
      await page.getByRole("option", { name: "Låst" }).click();
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=user-row]").length === 1);
      expect(await page.getByTestId("user-status").innerText()).to.equal("Låst");
    });

    it("users: the last admin's demotion is refused with a clear message", async () => {
      const { page } = current();
      const o = await buildOrganisation();
      const only = await buildUser({ organisation: o, role: "admin", name: "Ensam Admin" });
      await signInThroughUi(page, only.email, defaultPassword);
      await page.goto("/admin");
      await page.getByTestId("user-actions").click();
      await page.getByTestId("action-changeRole").click();
      await page.getByTestId("confirm-action").click();
      await page.getByTestId("settings-error").waitFor();
      expect(await page.getByTestId("settings-error").innerText()).to.contain("minst en aktiv administratör");
    });

    it("policies: a bad number is explained, a good one saved; zero-access only after its consequence is confirmed", async () => {
      const { page } = current();
      const o = await buildOrganisation();
      const a = await buildUser({ organisation: o, role: "admin" });
      await buildUser({ organisation: o, role: "staff" });
      await signInThroughUi(page, a.email, defaultPassword);
      await page.goto("/admin/policies");
      await page.getByTestId("lockout-threshold").fill("12");
      await page.getByTestId("policies-save").click();
      await page.getByTestId("policies-invalid").waitFor();
      await page.getByTestId("lockout-threshold").fill("5");
      await page.getByTestId("forced-idCheck").locator("label").click();
      await page.getByTestId("expiry-on").locator("label").click();
      await page.getByTestId("expiry-days").fill("60");
      await page.getByTestId("longest-on").locator("label").click();
      await page.getByTestId("longest-days").fill("30");
      await page.getByTestId("policies-save").click();
      await page
        .getByTestId("policies-invalid")
        .getByText(/längre än ett meddelandes längsta/)
        .waitFor();
      await page.getByTestId("expiry-days").fill("14");
      await page.getByTestId("idle-on").locator("label").click();
      await page.getByTestId("idle-minutes").fill("2");
      await page.getByTestId("policies-save").click();
      await page
        .getByTestId("policies-invalid")
        .getByText(/mellan 5 och 480 minuter/)
        .waitFor();
      await page.getByTestId("idle-minutes").fill("15");
      await page.getByTestId("attachment-on").locator("label").click();
      await page.getByTestId("attachment-mb").fill("25");
      // Smart Alerts (issue 12): the organisation's words, and "Send anyway" offered.
      await page.getByTestId("smart-alerts-keywords").fill("Projekt Falken\n  orosanmälan \n");
      await page.getByTestId("smart-alerts-send-anyway").click();
      await page.getByTestId("policies-save").click();
      await page.getByTestId("policies-saved").waitFor();
      const saved = (await Organisation.findByPk(o.id))!.policy;
      expect(saved.lockoutThreshold).to.equal(5);
      expect(saved.messages).to.deep.include({ forced: ["idCheck"], defaultExpiryDays: 14, longestExpiryDays: 30 });
      expect(saved).to.deep.include({ sessionIdleMinutes: 15, attachmentMaxMb: 25 });
      expect(saved).not.to.have.property("sessionAbsoluteHours");
      expect(saved.smartAlerts).to.deep.equal({
        keywords: ["Projekt Falken", "orosanmälan"],
        sendMode: "softBlock",
        allowSendAnyway: true,
      });
      await page.getByText("Stoppa det, aldrig med ”Skicka ändå”").click();
      expect(await page.getByTestId("smart-alerts-send-anyway").isDisabled()).to.equal(true);
      await page.getByTestId("policies-save").click();
      await page.getByTestId("policies-saved").waitFor();
      expect((await Organisation.findByPk(o.id))!.policy.smartAlerts).to.deep.include({ sendMode: "block" });
      // Subject line (F24): too long a word is explained; forbid with the organisation's words is saved.
      await page.getByTestId("subject-rule-keywords").fill(`Falken\n${"x".repeat(101)}`);
      await page.getByTestId("policies-save").click();
      await page
        .getByTestId("policies-invalid")
        .getByText(/ord för ämnesraden/)
        .waitFor();
      await page.getByText("Stoppa meddelandet tills ämnet ändrats").click();
      await page.getByTestId("subject-rule-keywords").fill("Projekt Falken\n Hemligt ");
      await page.getByTestId("policies-save").click();
      await page.getByTestId("policies-saved").waitFor();
      expect((await Organisation.findByPk(o.id))!.policy.subjectRule).to.deep.equal({
        mode: "forbid",
        keywords: ["Projekt Falken", "Hemligt"],
      });
      await expectNoSeriousAxe(page, "policies with Smart Alerts and the subject rule");

      await page.getByTestId("zero-access-toggle").click();
      await page.getByTestId("zero-access-understand").waitFor();
      await expectNoSeriousAxe(page, "zero-access dialog");
      expect(await page.getByTestId("zero-access-confirm").isDisabled()).to.equal(true);
      await page.getByTestId("zero-access-understand").locator("label").click();
      await page.getByTestId("zero-access-confirm").click();
      await page.getByTestId("zero-access-done").waitFor();
      expect(await page.getByTestId("zero-access-done").innerText()).to.contain("2 reservkopior raderades");
      expect((await Organisation.findByPk(o.id))!.policy.zeroAccess).to.equal(true);
    });

    it("audit log: the chain is shown intact, events filter by type and person, the CSV export follows the filters", async () => {
      const { page } = current();
      await signInThroughUi(page, admin.email, defaultPassword);
      await page.goto("/admin/audit");
      await page.getByTestId("chain-intact").waitFor();
      expect(await page.getByTestId("chain-intact").innerText()).to.match(/Loggen är hel: \d+ händelser kontrollerade/);
      await page.getByTestId("audit-table").waitFor();
      const byPerson = page.waitForResponse((r) => r.url().includes("/api/admin/audit?") && r.url().includes("email="));
      await page.getByTestId("audit-person").fill(staff.email);
      await byPerson;
      const byType = page.waitForResponse((r) => r.url().includes("type=login.succeeded"));
      await page.getByTestId("audit-type").click();
      await page.getByRole("option", { name: "Inloggad" }).click();
      await byType;
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll("[data-testid=audit-row]")];
        return rows.length > 0 && rows.every((r) => r.getAttribute("data-type") === "login.succeeded");
      });
      const href = await page.getByTestId("audit-export").getAttribute("href");
      expect(href)
        .to.contain("type=login.succeeded")
        .and.contain(`email=${encodeURIComponent(staff.email)}`);
      const csv = await page.request.get(href!);
      expect(csv.status()).to.equal(200);
      const text = await csv.text();
      expect(text.split("\r\n")[0]).to.equal("id,time,type,person,actor,ip,user_agent,data");
      expect(text).to.contain(staff.email).and.not.contain(admin.email);
    });
  });

  describe("on a 360 px phone", () => {
    const current = usePage({ viewport: { width: 360, height: 740 } });

    it("navigation: a Menu button naming the current page opens the ten pages as a list, and closes on choosing", async () => {
      const { page } = current();
      await signInThroughUi(page, admin.email, defaultPassword);
      await page.goto("/admin");
      await page.getByTestId("users-table").waitFor();
      const toggle = page.getByTestId("admin-nav-toggle");
      expect(await toggle.innerText()).to.contain("Meny: Användare");
      expect(await toggle.getAttribute("aria-expanded")).to.equal("false");
      expect(await page.getByTestId("admin-nav-policies").isVisible(), "closed at first").to.equal(false);
      await toggle.click();
      expect(await toggle.getAttribute("aria-expanded")).to.equal("true");
      for (const key of ["users", "mailboxes", "directory"])
        expect(await page.getByTestId(`admin-nav-${key}`).isVisible(), key).to.equal(true);
      expect(await hasHorizontalScroll(page)).to.equal(false);
      await expectNoSeriousAxe(page, "360 px navigation open");
      await page.getByTestId("admin-nav-policies").click();
      await page.getByTestId("functions-table").waitFor();
      expect(await toggle.innerText()).to.contain("Meny: Policyer");
      expect(await toggle.getAttribute("aria-expanded")).to.equal("false");
      expect(await page.getByTestId("admin-nav-policies").isVisible(), "closed after choosing").to.equal(false);
    });

    for (const lang of ["sv", "en"] as const) {
      it(`fits every admin page without sideways scrolling (${lang})`, async () => {
        const { page } = current();
        if (lang === "en") await useEnglish(page);
        await signInThroughUi(page, admin.email, defaultPassword);
        for (const [path, ready] of adminPages) {
          await page.goto(path);
          await page.getByTestId(ready).waitFor();
          await page.waitForLoadState("networkidle");
          expect(await hasHorizontalScroll(page), `${lang} ${path}`).to.equal(false);
          await expectNoSeriousAxe(page, `360 px ${lang} ${path}`);
        }
      });
    }
  });
});
