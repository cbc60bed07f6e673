import { expect } from "chai";
import type { Page } from "playwright-core";
import svAdmin from "../../backend/web/src/locales/admin.sv.json" with { type: "json" };
import enAdmin from "../../backend/web/src/locales/admin.en.json" with { type: "json" };
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { MessageTemplate } from "../../backend/src/models/MessageTemplate.js";
import { signIn } from "../support/auth.js";

const texts = { sv: svAdmin, en: enAdmin } as const;
type Lang = keyof typeof texts;

async function useLanguage(page: Page, lang: Lang): Promise<void> {
  if (lang === "en") await page.context().addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
}

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

describe("web app: admin templates and organisation signature (F5, browser)", function () {
  this.timeout(180_000);

  for (const lang of ["sv", "en"] as const) {
    describe(`in ${lang === "sv" ? "Swedish" : "English"}`, () => {
      const current = usePage();
      let org: Organisation;
      let adminEmail: string;

      before(async () => {
        org = await buildOrganisation({ name: `Sundsvalls kommun ${lang}` });
        const admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
        adminEmail = admin.email;
        const api = await signIn(admin);
        await api.patch("/api/account", { title: "Enhetschef" });
      });

      it("templates: lists the standard texts, creates with a live preview, adds the other language, edits and deletes", async () => {
        const { page, errors } = current();
        const t = texts[lang].templates;
        await useLanguage(page, lang);
        await signInThroughUi(page, adminEmail, defaultPassword);
        await page.goto("/admin");
        await page.getByTestId("admin-nav-templates").click();
        await page.getByTestId("templates-list").waitFor();
        // A new organisation starts with the standard texts, Swedish first.
        const names = await page.getByTestId("template-item").locator("h3 > span:first-child").allInnerTexts();
        expect(names).to.deep.equal([
          "Byter till säker e-post",
          "Vi använder säker e-post",
          "Switching to secure e-mail",
          "We use secure e-mail",
        ]);
        await page.getByRole("heading", { level: 2, name: t.title }).waitFor();

        await page.getByTestId("template-new").click();
        await page.getByTestId("template-save").click();
        expect(await page.getByTestId("template-invalid").innerText()).to.equal(t.nameRequired);
        await page.getByTestId("template-name").fill("Hänvisning");
        await page.getByTestId("template-body").fill("Läs mer på webben.\nVänliga hälsningar");
        expect(await page.getByTestId("template-preview").innerText()).to.equal(
          "Läs mer på webben.\nVänliga hälsningar",
        );
        await expectNoSeriousAxe(page, `${lang} template editor`);
        await page.getByTestId("template-save").click();
        await page.getByTestId("templates-done").waitFor();
        expect(await page.getByTestId("templates-done").innerText()).to.contain("Hänvisning");

        // The English version, started from the Swedish one.
        const item = page.getByTestId("template-item").filter({ hasText: "Hänvisning" });
        await item.getByTestId("template-translate").click();
        expect(await page.getByTestId("template-body").inputValue()).to.equal("Läs mer på webben.\nVänliga hälsningar");
        await page.getByTestId("template-name").fill("Referral");
        await page.getByTestId("template-body").fill("Read more on the web.");
        await page.getByTestId("template-save").click();
        await page.getByTestId("template-item").filter({ hasText: "Referral" }).waitFor();
        const rows = await MessageTemplate.findAll({ where: { organisationId: org.id } });
        expect(
          rows.map((r) => [r.name, r.locale]).filter(([n]) => n === "Hänvisning" || n === "Referral"),
        ).to.have.deep.members([
          ["Hänvisning", "sv"],
          ["Referral", "en"],
        ]);

        await page.getByTestId("template-item").filter({ hasText: "Referral" }).getByTestId("template-edit").click();
        await page.getByTestId("template-body").fill("Read more on our website.");
        await page.getByTestId("template-save").click();
        await page.getByTestId("template-item").filter({ hasText: "Read more on our website." }).waitFor();

        await page.getByTestId("template-item").filter({ hasText: "Referral" }).getByTestId("template-delete").click();
        await page.getByTestId("template-delete-confirm").click();
        // Axe only once the dialog has gone (its fade-out reads as low contrast): its own button is
        // the element to wait for; the dialog role leaves the tree before the fading layer does.
        await page.getByTestId("template-delete-confirm").waitFor({ state: "detached" });
        await page.waitForFunction(() => !document.querySelector(".ms-Dialog, .ms-Modal"));
        await page.getByTestId("template-item").filter({ hasText: "Referral" }).waitFor({ state: "detached" });
        expect(await MessageTemplate.count({ where: { organisationId: org.id, name: "Referral" } })).to.equal(0);
        await expectNoSeriousAxe(page, `${lang} templates`);
        expect(errors).to.deep.equal([]);
      });

      it("signature: placeholders, live preview for the admin, mandatory policy saved", async () => {
        const { page, errors } = current();
        const s = texts[lang].signature;
        await useLanguage(page, lang);
        await signInThroughUi(page, adminEmail, defaultPassword);
        await page.goto("/admin");
        await page.getByTestId("admin-nav-signature").click();
        await page.getByTestId("signature-preview").waitFor();
        expect(await page.getByTestId("signature-preview").innerText()).to.equal(s.previewEmpty);

        const editor = page.getByTestId("signature-editor");
        await editor.click();
        await page.keyboard.type("Med vänlig hälsning ");
        await page.getByTestId("placeholder-name").click();
        await page.getByTestId("placeholder-title").click();
        await page.getByTestId("placeholder-organisation").click();
        await page.waitForFunction(
          () => document.querySelector("[data-testid=signature-preview]")?.textContent?.includes("Enhetschef") ?? false,
        );
        const preview = await page.getByTestId("signature-preview").innerText();
        expect(preview).to.contain("Ada Admin").and.contain("Enhetschef").and.contain(`Sundsvalls kommun ${lang}`);

        await page.getByRole("radio", { name: s.modeMandatory }).check();
        expect(await page.getByTestId("signature-mode-help").innerText()).to.equal(s.mandatoryHelp);
        await expectNoSeriousAxe(page, `${lang} signature`);
        await page.getByTestId("signature-save").click();
        await page.getByTestId("signature-saved").waitFor();
        const policy = (await Organisation.findByPk(org.id))!.policy as {
          orgSignature?: { html: string; mode: string; version: number };
        };
        expect(policy.orgSignature).to.include({ mode: "mandatory", version: 1 });
        expect(policy.orgSignature!.html).to.contain("{name}").and.contain("{title}").and.contain("{organisation}");

        // The web composer says that the mandatory signature is added on sending, and shows it.
        await page.goto("/compose");
        const note = page.getByTestId("mandatory-signature");
        await note.waitFor();
        expect(await note.innerText())
          .to.contain("Ada Admin")
          .and.contain("Enhetschef");
        await expectNoSeriousAxe(page, `${lang} composer with a mandatory signature`);
        expect(errors).to.deep.equal([]);
      });
    });
  }

  describe("on a 360 px phone", () => {
    const current = usePage({ viewport: { width: 360, height: 740 } });
    it("both pages fit without sideways scrolling, with the editors open", async () => {
      const org = await buildOrganisation();
      const admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
      const { page } = current();
      await signInThroughUi(page, admin.email, defaultPassword);
      await page.goto("/admin/templates");
      await page.getByTestId("templates-list").waitFor();
      await page.getByTestId("template-item").first().getByTestId("template-edit").click();
      await page.getByTestId("template-preview").waitFor();
      expect(await hasHorizontalScroll(page), "templates").to.equal(false);
      await expectNoSeriousAxe(page, "360 px templates");
      await page.goto("/admin/signature");
      await page.getByTestId("signature-preview").waitFor();
      expect(await hasHorizontalScroll(page), "signature").to.equal(false);
      await expectNoSeriousAxe(page, "360 px signature");
    });
  });
});
