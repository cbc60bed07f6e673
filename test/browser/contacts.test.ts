import { expect } from "chai";
import { buildUser, defaultPassword } from "../support/factories.js";
import { signInThroughUi, usePage } from "../support/browser.js";
import { Contact } from "../../backend/src/models/Contact.js";

describe("web contacts (browser)", function () {
  this.timeout(60_000);
  const current = usePage();

  it("adds, searches, edits and deletes contacts, shows the verified badge and starts a message prefilled for a safe contact", async () => {
    const { page } = current();
    const me = await buildUser({ name: "Kim Kontakt" });
    await Contact.create({
      ownerId: me.id,
      email: "saker@example.test",
      name: "Säker Person",
      mobile: "+46701234567",
      verified: true,
    });
    await signInThroughUi(page, me.email, defaultPassword);
    await page.goto("/contacts");
    await page.getByTestId("contact-row").filter({ hasText: "Säker Person" }).getByTestId("contact-verified").waitFor();

    await page.getByTestId("contact-add").click();
    await page.getByTestId("contact-email").fill("ny.person@example.test");
    await page.getByTestId("contact-name").fill("Ny Person");
    await page.getByTestId("contact-mobile").fill("12");
    await page.getByTestId("contact-save").click();
    await page.getByRole("dialog").getByText("Ett mobilnummer är inte giltigt").waitFor();
    await page.getByTestId("contact-mobile").fill("070-765 43 21");
    await page.getByTestId("contact-save").click();
    const row = page.getByTestId("contact-row").filter({ hasText: "Ny Person" });
    await row.getByText("+46707654321").waitFor();
    expect(await row.getByTestId("contact-verified").count()).to.equal(0);

    await page.getByRole("searchbox").fill("ny.person");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
    await row.getByTestId("contact-edit").click();
    await page.getByTestId("contact-name").fill("Nya Personen");
    await page.getByTestId("contact-save").click();
    await page.getByTestId("contact-row").filter({ hasText: "Nya Personen" }).waitFor();
    await page.getByTestId("contact-row").filter({ hasText: "Nya Personen" }).getByTestId("contact-delete").click();
    await page.getByTestId("contact-save").click();
    await page.getByText("Inga kontakter matchar sökningen.").waitFor();

    await page.getByRole("searchbox").fill("");
    await page.getByTestId("contact-row").filter({ hasText: "Säker Person" }).getByTestId("contact-send").click();
    await page.waitForURL(/\/compose\?to=/);
    expect(await page.getByTestId("compose-to").inputValue()).to.equal("saker@example.test");
    await page.getByTestId("safe-contacts").getByText("verifierad säker kontakt").waitFor();
    await page.getByTestId("compose-subject").fill("Hej");
    await page.getByTestId("compose-body").fill("Ett säkert meddelande.");
    await page.getByTestId("compose-send").click();
    // A safe contact is not asked for a mobile number: the message goes straight out.
    await page.waitForURL(/\/mailbox\/sent\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId("compose-mobile").count()).to.equal(0);
  });
});
