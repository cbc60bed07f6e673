import { expect } from "chai";
import type { Page } from "playwright-core";
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { usePage } from "../support/browser.js";
import { enableTotp } from "../support/auth.js";

async function enterEmailAndPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("E-postadress").fill(email);
  await page.getByRole("button", { name: "Nästa" }).click();
  await page.getByLabel("Lösenord", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
}

describe("web app: sign in (browser)", function () {
  this.timeout(60_000);
  const current = usePage();

  it("sends a visitor to sign in, signs in with e-mail and password, and signs out from the name menu", async () => {
    const { page, errors } = current();
    const user = await buildUser({ name: "Astrid Lindqvist" });
    await page.goto("/");
    await page.waitForURL("**/login");
    await page.getByRole("heading", { name: "Logga in" }).waitFor();
    await enterEmailAndPassword(page, user.email, defaultPassword);
    await page.getByRole("heading", { name: "Välkommen, Astrid Lindqvist" }).waitFor();
    expect(new URL(page.url()).pathname).to.equal("/");
    for (const shortcut of ["Nytt meddelande", "Brevlåda", "Kontakter", "Inställningar"]) {
      expect(await page.getByRole("link", { name: new RegExp(shortcut) }).count(), shortcut).to.be.greaterThan(0);
    }

    await page.getByRole("button", { name: /Astrid Lindqvist/ }).click();
    await page.getByRole("menuitem", { name: "Logga ut" }).click();
    await page.getByText("Du är utloggad.").waitFor();
    expect(new URL(page.url()).pathname).to.equal("/login");
    // The session is gone on the server too: the dashboard asks for sign-in again.
    await page.goto("/");
    await page.waitForURL("**/login");
    expect(errors.filter((e) => !/401/.test(e)).slice(0, 5)).to.deep.equal([]);
  });

  it("loads the sign-in page signed out without a console error or a failed request", async () => {
    const { page, errors } = current();
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/session");
    await page.goto("/login");
    expect(await (await asked).json()).to.deep.equal({ state: "signed_out" });
    await page.getByRole("heading", { name: "Logga in" }).waitFor();
    await page.getByLabel("E-postadress").waitFor();
    expect(errors).to.deep.equal([]);
    expect(failed).to.deep.equal([]);
  });

  it("returns to the page asked for after sign-in", async () => {
    const { page } = current();
    const user = await buildUser();
    await page.goto("/contacts");
    await page.waitForURL("**/login?next=%2Fcontacts");
    await enterEmailAndPassword(page, user.email, defaultPassword);
    await page.waitForURL("**/contacts");
    await page.getByRole("heading", { name: "Kontakter" }).waitFor();
  });

  it("asks for a valid e-mail address before the password", async () => {
    const { page } = current();
    await page.goto("/login");
    await page.getByLabel("E-postadress").fill("not-an-address");
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.getByText("Skriv en e-postadress, till exempel namn@exempel.se.").waitFor();
    expect(await page.getByLabel("Lösenord", { exact: true }).count()).to.equal(0);
  });

  it("says when the password is wrong and shows the lock after three failures, with the way out", async () => {
    const { page } = current();
    const user = await buildUser();
    await page.goto("/login");
    await enterEmailAndPassword(page, user.email, "Wrong-password-1");
    await page.getByText(/E-postadressen eller lösenordet stämmer inte/).waitFor();
    for (let i = 0; i < 2; i++) {
      await page.getByLabel("Lösenord", { exact: true }).fill(`Wrong-password-${i + 2}`);
      const answered = page.waitForResponse((r) => r.url().endsWith("/api/auth/login"));
      await page.getByRole("button", { name: "Logga in" }).click();
      await answered;
    }
    await page.getByText("Kontot är låst efter för många misslyckade inloggningar.").waitFor();
    // Even the right password is refused now; the message offers a password reset.
    await page.getByLabel("Lösenord", { exact: true }).fill(defaultPassword);
    const locked = page.waitForResponse((r) => r.url().endsWith("/api/auth/login") && r.status() === 423);
    await page.getByRole("button", { name: "Logga in" }).click();
    await locked;
    await page.getByRole("link", { name: "Lås upp genom att välja ett nytt lösenord." }).click();
    await page.getByRole("heading", { name: "Glömt lösenordet" }).waitFor();
  });

  it("states no fixed number of attempts in the wrong-password text: the org's lockout threshold decides", async () => {
    const { page } = current();
    const org = await buildOrganisation();
    await Organisation.update({ policy: { lockoutThreshold: 5 } }, { where: { id: org.id } });
    const user = await buildUser({ organisation: org });
    await page.goto("/login");
    await enterEmailAndPassword(page, user.email, "Wrong-password-1");
    for (let i = 2; i <= 3; i++) {
      await page.getByText(/E-postadressen eller lösenordet stämmer inte/).waitFor();
      await page.getByLabel("Lösenord", { exact: true }).fill(`Wrong-password-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith("/api/auth/login"));
      await page.getByRole("button", { name: "Logga in" }).click();
      expect((await answered).status(), `attempt ${i} under a threshold of 5`).to.equal(401);
    }
    // Three failures and the account is still open, so the text may not have promised a lock at three.
    const shown = await page.getByText(/E-postadressen eller lösenordet stämmer inte/).innerText();
    expect(shown).to.equal(
      "E-postadressen eller lösenordet stämmer inte. Efter för många misslyckade försök låses kontot.",
    );
    expect(shown).not.to.match(/\b(tre|\d+)\b/);
  });

  it("starts again from the password when the half-finished sign-in has expired", async () => {
    const { page, context } = current();
    const user = await buildUser();
    await enableTotp(user);
    await page.goto("/login");
    await enterEmailAndPassword(page, user.email, defaultPassword);
    await page.getByRole("heading", { name: "Tvåstegsverifiering" }).waitFor();
    await context.clearCookies(); // as if the partial session had run out
    await page.getByLabel("Kod från appen").fill("123456");
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByText("Din session har gått ut. Börja om från början.").waitFor();
    expect(await page.getByLabel("Lösenord", { exact: true }).count()).to.equal(1);
  });

  it("shows how long to wait when the server rate-limits sign-in", async () => {
    const { page } = current();
    await page.route("**/api/auth/login", (route) =>
      route.fulfill({
        status: 429,
        headers: { "Retry-After": "120", "Content-Type": "application/json" },
        body: JSON.stringify({ error: "rate_limited", message: "Too many requests; try again later" }),
      }),
    );
    await page.goto("/login");
    await enterEmailAndPassword(page, "someone@example.test", "Whatever-123");
    await page.getByText("För många försök. Försök igen om 2 minuter.").waitFor();
  });
});
