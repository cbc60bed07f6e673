import { expect } from "chai";
import type { Page } from "playwright-core";
import { PNG } from "pngjs";
import svAdmin from "../../backend/web/src/locales/admin.sv.json" with { type: "json" };
import enAdmin from "../../backend/web/src/locales/admin.en.json" with { type: "json" };
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { NotificationLogo, NotificationText } from "../../backend/src/models/NotificationText.js";
import type { Organisation } from "../../backend/src/models/Organisation.js";

const texts = { sv: svAdmin, en: enAdmin } as const;
type Lang = keyof typeof texts;

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

/** The text of the sandboxed preview frame's document. */
async function previewText(page: Page): Promise<string> {
  const frame = page.frameLocator("[data-testid=notif-preview-html]");
  return frame.locator("body").innerText();
}

function logoPng(): Buffer {
  const png = new PNG({ width: 120, height: 40 });
  png.data.fill(0x40);
  return PNG.sync.write(png);
}

describe("web app: admin notification texts (issue 10, browser)", function () {
  this.timeout(180_000);

  for (const lang of ["sv", "en"] as const satisfies Lang[]) {
    describe(`in ${lang === "sv" ? "Swedish" : "English"}`, () => {
      const current = usePage();
      let org: Organisation;
      let adminEmail: string;

      before(async () => {
        org = await buildOrganisation({ name: `Aviseringskommun ${lang}` });
        adminEmail = (await buildUser({ organisation: org, role: "admin", name: "Ada Admin" })).email;
      });

      it("edits the texts with a live preview, refuses a missing {code}, uploads a logo, resets to default", async () => {
        const { page, errors } = current();
        const t = texts[lang].notifications;
        // Init scripts run in every frame, the sandboxed preview too (no storage there).
        if (lang === "en")
          await page.context().addInitScript(() => {
            try {
              window.localStorage.setItem("kuvert.language", "en");
            } catch {
              // the sandboxed preview frame
            }
          });
        await signInThroughUi(page, adminEmail, defaultPassword);
        await page.goto("/admin");
        await page.getByTestId("admin-nav-notifications").click();
        await page.waitForURL(/\/admin\/notifications$/);
        await page.getByTestId("notif-preview").waitFor();
        expect(await page.getByTestId("admin-nav-notifications").innerText()).to.equal(texts[lang].nav.notifications);
        await page.waitForLoadState("networkidle");
        await expectNoSeriousAxe(page, `${lang} notifications`);

        // The Swedish tab first; the fields start on the defaults.
        expect(await page.getByTestId("notif-smsRecipientCode").inputValue()).to.contain("{code}");
        await page.getByTestId("notif-footer").fill("Frågor? Ring 060-19 10 00 <b>nu</b>");
        await page.getByTestId("notif-senderName").fill("Aviseringskommunen");
        await page.waitForFunction(() =>
          document.querySelector("[data-testid=notif-preview-from]")?.textContent?.includes("Aviseringskommunen"),
        );
        // Escaped: the admin's "<b>" is text in the sandboxed frame, not markup.
        const frame = page.frameLocator("[data-testid=notif-preview-html]");
        await frame.getByText("Frågor? Ring 060-19 10 00 <b>nu</b>").waitFor();
        expect(await previewText(page)).to.contain("Läs meddelandet");

        // Without {code} the preview warns, the field is marked and saving is refused.
        await page.getByTestId("notif-smsRecipientCode").fill("Din kod kommer");
        await page.getByTestId("notif-preview-error").waitFor();
        await page.getByTestId("notif-save").click();
        await page.getByTestId("settings-error").waitFor();
        expect(await NotificationText.count({ where: { organisationId: org.id } })).to.equal(0);
        await page.getByTestId("notif-smsRecipientCode").fill("Koden är {code}");
        await page.waitForFunction(
          () => document.querySelector("[data-testid=notif-preview-sms]")?.textContent === "Koden är 123456",
        );
        await page.getByTestId("notif-save").click();
        await page.getByTestId("notif-done").waitFor();
        const saved = await NotificationText.findOne({ where: { organisationId: org.id, locale: "sv" } });
        expect(saved?.footer).to.equal("Frågor? Ring 060-19 10 00 <b>nu</b>");
        expect(saved?.intro, "an unchanged default stays the default").to.equal(null);

        // The other language keeps its own texts.
        await page.getByRole("tab", { name: t.language.en }).click();
        expect(await page.getByTestId("notif-footer").inputValue()).to.equal(
          "This is an automatic message from Kuvert.",
        );

        // A logo: uploaded, shown, in the preview as an inline image.
        await page.getByTestId("notif-logo-file").setInputFiles({
          name: "logo.png",
          mimeType: "image/png",
          buffer: logoPng(),
        });
        await page.getByTestId("notif-logo").waitFor();
        expect(await NotificationLogo.count({ where: { organisationId: org.id } })).to.equal(1);
        await frame.locator("img").waitFor();
        // A file that is not an image is refused with a message.
        await page.getByTestId("notif-logo-file").setInputFiles({
          name: "logo.svg",
          mimeType: "image/png",
          buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        });
        await page.getByTestId("settings-error").waitFor();

        // Reset the Swedish texts, after confirming.
        await page.getByRole("tab", { name: t.language.sv }).click();
        await page.waitForFunction(
          () =>
            (document.querySelector("[data-testid=notif-footer]") as HTMLTextAreaElement | null)?.value ===
            "Frågor? Ring 060-19 10 00 <b>nu</b>",
        );
        await page.getByTestId("notif-reset").click();
        await page.getByTestId("notif-reset-confirm").click();
        await page.getByTestId("notif-done").waitFor();
        expect(await page.getByTestId("notif-footer").inputValue()).to.equal(
          "Det här är ett automatiskt meddelande från Kuvert.",
        );
        expect(await NotificationText.count({ where: { organisationId: org.id } })).to.equal(0);
        await page.waitForLoadState("networkidle");
        await expectNoSeriousAxe(page, `${lang} notifications after changes`);
        expect(errors.filter((e) => !/status of 4\d\d/.test(e))).to.deep.equal([]);
      });
    });
  }

  describe("on a 360 px phone", () => {
    const current = usePage({ viewport: { width: 360, height: 740 } });
    it("has no horizontal scroll and no serious axe violations in either language", async () => {
      const { page } = current();
      const org = await buildOrganisation({ name: "Smal kommun" });
      const admin = await buildUser({ organisation: org, role: "admin" });
      await signInThroughUi(page, admin.email, defaultPassword);
      for (const lang of ["sv", "en"] as const) {
        await page.evaluate((l) => window.localStorage.setItem("kuvert.language", l), lang);
        await page.goto("/admin/notifications");
        await page.frameLocator("[data-testid=notif-preview-html]").locator("a").waitFor();
        expect(await hasHorizontalScroll(page), lang).to.equal(false);
        await expectNoSeriousAxe(page, `360 px ${lang}`);
      }
    });
  });
});
