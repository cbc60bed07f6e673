import { expect } from "chai";
import type { Page } from "playwright-core";
import sv from "../../backend/web/src/locales/sv.json" with { type: "json" };
import { buildUser, defaultPassword } from "../support/factories.js";
import { ApiClient } from "../support/server.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { appCode, auditTypes, enableTotp, startDelivery, type Delivery } from "../support/secondFactor.js";
import type { User } from "../../backend/src/models/User.js";

/** Text that looks like an untranslated i18next key ("settings.totp.title", "signIn.title"). */
const rawKey = new RegExp(`\\b(${[...Object.keys(sv), "settings"].join("|")})\\.[A-Za-z_0-9]`);

const settingsPages = [
  ["/settings", "account"],
  ["/settings/security", "password"],
  ["/settings/activity", "sessions"],
  ["/settings/options", "auto-reply"],
  ["/settings/data", "delete"],
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

async function signOutThroughMenu(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Logga ut" }).click();
  await page.getByText("Du är utloggad.").waitFor();
}

async function passwordStep(page: Page, email: string, password = defaultPassword): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-postadress").fill(email);
  await page.getByRole("button", { name: "Nästa" }).click();
  await page.getByLabel("Lösenord", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
}

/** Clicks a button that sends an SMS code and returns the code once the server has queued it. */
async function clickForSms(page: Page, testId: string, delivery: Delivery, to: string): Promise<string> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/api/account/")),
    page.getByTestId(testId).click(),
  ]);
  return delivery.smsCode(to);
}

async function apiSession(user: User, password = defaultPassword): Promise<ApiClient> {
  const api = await ApiClient.create();
  const res = await api.post("/api/auth/login", { email: user.email, password });
  expect(res.status, res.text).to.equal(200);
  return api;
}

describe("web app: settings (browser)", function () {
  this.timeout(90_000);
  let delivery: Delivery;

  before(async () => {
    delivery = await startDelivery();
  });
  after(async () => {
    await delivery.close();
  });

  describe("on a desktop", () => {
    const current = usePage();

    it("turns on the authenticator (SMS code, QR code and secret, first app code); sign-in then asks for the app code", async () => {
      const { page } = current();
      const user = await buildUser({ name: "Ingrid Sjö" });
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/security");
      await page.getByRole("heading", { name: "Tvåstegsverifiering" }).waitFor();
      expect(await page.getByTestId("totp-status").textContent()).to.contain("Av");
      await page.getByRole("button", { name: "Slå på tvåstegsverifiering" }).click();
      // A wrong SMS code is refused; the right one leads on to the QR code.
      const smsCode = await clickForSms(page, "totp-send-sms", delivery, user.mobile!);
      await page.getByText("Vi har skickat en kod till").first().waitFor();
      await page.getByTestId("totp-sms-code").fill(smsCode === "111111" ? "222222" : "111111");
      await page.getByTestId("totp-sms-next").click();
      await page.getByText("Koden stämmer inte eller har gått ut.", { exact: false }).waitFor();
      await page.getByTestId("totp-sms-code").fill(smsCode);
      await page.getByTestId("totp-sms-next").click();
      await page.getByRole("img", { name: "QR-kod för din autentiseringsapp" }).waitFor();
      const qr = await page
        .getByTestId("totp-qr")
        .evaluate((img: HTMLImageElement) => ({ src: img.src.slice(0, 22), w: img.naturalWidth }));
      expect(qr.src).to.equal("data:image/png;base64,");
      expect(qr.w).to.be.greaterThan(50);
      const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s+/g, "");
      expect(secret).to.match(/^[A-Z2-7]{16,}$/);
      await expectNoSeriousAxe(page, "security with QR code");
      await page.getByLabel("Kod från appen").fill(appCode(secret));
      await page.getByTestId("totp-confirm").click();
      await page.getByTestId("totp-done").waitFor();
      // The status reloads from the API after the confirmation: wait for it rather than race it.
      await page.getByTestId("totp-status").filter({ hasText: "På" }).waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("totp-status").textContent()).to.contain("På");

      await signOutThroughMenu(page);
      await passwordStep(page, user.email);
      await page.getByRole("heading", { name: "Tvåstegsverifiering" }).waitFor();
      // The confirming code's time step is used up: sign in with the next step's code.
      await page.getByLabel("Kod från appen").fill(appCode(secret, 30));
      await page.getByRole("button", { name: "Bekräfta" }).click();
      await page.getByRole("heading", { name: "Välkommen, Ingrid Sjö" }).waitFor();

      // Turning it off needs a second factor: here an SMS code.
      await page.goto("/settings/security");
      await page.getByRole("button", { name: "Stäng av", exact: true }).click();
      await page.getByRole("group", { name: "Bekräfta att det är du" }).getByLabel("SMS-kod").check({ force: true });
      await page
        .getByTestId("totp-disable-code")
        .fill(await clickForSms(page, "totp-disable-send-sms", delivery, user.mobile!));
      await expectNoSeriousAxe(page, "turn off two-step verification");
      await page.getByRole("button", { name: "Stäng av tvåstegsverifiering" }).click();
      await page.getByTestId("totp-done").filter({ hasText: "Tvåstegsverifiering är avstängd." }).waitFor();
      // As above: the status reloads after the change, so wait for it.
      await page.getByTestId("totp-status").filter({ hasText: "Av" }).waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("totp-status").textContent()).to.contain("Av");
    });

    it("creates one-time codes after an SMS code, shows them once with Copy and a print view, and one of them recovers a lost authenticator", async () => {
      const { page, context } = current();
      await context.grantPermissions(["clipboard-read", "clipboard-write"]);
      const user = await buildUser({ name: "Johan Alm" });
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/security");
      await page.getByTestId("codes-remaining").filter({ hasText: "0 oanvända koder kvar" }).waitFor();
      await page.getByTestId("codes-generate").click();
      await page.getByTestId("codes-sms-code").fill(await clickForSms(page, "codes-send-sms", delivery, user.mobile!));
      await page.getByTestId("codes-create").click();
      await page.getByTestId("codes-shown").waitFor();
      const codes = await page.getByTestId("codes-list").locator("li").allTextContents();
      expect(codes).to.have.length(10);
      expect(new Set(codes).size).to.equal(10);
      await page.getByTestId("codes-remaining").filter({ hasText: "10 oanvända koder kvar" }).waitFor();
      await expectNoSeriousAxe(page, "security with fresh codes");

      await page.getByRole("button", { name: "Kopiera koderna" }).click();
      await page.getByText("Koderna är kopierade.").waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(codes.join("\n"));

      await page.getByRole("button", { name: "Skriv ut" }).click();
      await page.waitForURL("**/settings/security/codes/print");
      await page.getByRole("heading", { name: "Engångskoder för Kuvert" }).waitFor();
      expect(await page.getByTestId("print-codes").locator("li").allTextContents()).to.deep.equal(codes);
      await expectNoSeriousAxe(page, "print view");
      // On paper only the codes: no header, no buttons.
      await page.emulateMedia({ media: "print" });
      expect(await page.locator("header").isVisible()).to.equal(false);
      expect(await page.getByTestId("print-now").isVisible()).to.equal(false);
      expect(await page.getByTestId("print-codes").isVisible()).to.equal(true);
      await page.emulateMedia({ media: "screen" });
      // window.print is what the button calls.
      await page.evaluate(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => {
          (window as unknown as { printed: number }).printed += 1;
        };
      });
      await page.getByTestId("print-now").click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).to.equal(1);
      // After a reload the codes are gone (they are never stored in the browser).
      await page.reload();
      await page.getByTestId("print-no-codes").waitFor();

      // Turn the authenticator on (through the API), then lose it: a one-time code signs in.
      const api = await apiSession(user);
      await enableTotp(api, user, delivery);
      await page.goto("/settings/activity");
      await signOutThroughMenu(page);
      await passwordStep(page, user.email);
      await page.getByRole("link", { name: "Har du tappat bort din autentiseringsapp?" }).click();
      await page.getByLabel("Med en engångskod").check();
      await page.getByLabel("Engångskod", { exact: true }).fill(codes[3]);
      await page.getByRole("button", { name: "Logga in och stäng av tvåstegsverifiering" }).click();
      await page.getByTestId("recovery-done").waitFor();
      await page.getByRole("button", { name: "Fortsätt" }).click();
      await page.getByTestId("greeting").waitFor();
      await page.goto("/settings/security");
      await page.getByTestId("codes-remaining").filter({ hasText: "9 oanvända koder kvar" }).waitFor();
      expect(await page.getByTestId("totp-status").textContent()).to.contain("Av");
      // The used code is spent.
      const again = await apiSession(user);
      const reuse = await again.post("/api/account/2fa/totp/disable", { method: "backup_code", code: codes[3] });
      expect(reuse.status).to.equal(400);
    });

    it("adds a backup phone confirmed by SMS, verifies it with the code sent to it and makes it primary", async () => {
      const { page } = current();
      const user = await buildUser();
      const national = `070${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const e164 = `+46${national.slice(1)}`;
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/security");
      await page.getByTestId("phone").first().waitFor();
      expect(await page.getByTestId("phone").count()).to.equal(1);
      await page.getByRole("button", { name: "Lägg till reservtelefon" }).click();
      await page.getByLabel("Mobilnummer").fill(national);
      await page.getByLabel("Namn", { exact: true }).fill("Jobbtelefon");
      await page
        .getByTestId("phone-add-code")
        .fill(await clickForSms(page, "phone-add-send-sms", delivery, user.mobile!));
      await expectNoSeriousAxe(page, "add phone form");
      // A number that cannot be a mobile is refused with a clear message (the code stays unused).
      await page.getByLabel("Mobilnummer").fill("0701");
      await page.getByTestId("phone-add-submit").click();
      await page.getByText("Det är inte ett giltigt mobilnummer.", { exact: false }).waitFor();
      await page.getByLabel("Mobilnummer").fill(national);
      await page.getByTestId("phone-add-submit").click();

      const added = page.locator(`[data-testid=phone][data-number="${e164}"]`);
      await added.getByTestId("phone-state").filter({ hasText: "Inte verifierad" }).waitFor();
      // Not verified: it cannot become primary yet (no such button).
      expect(await added.getByTestId("phone-make-primary").count()).to.equal(0);
      await added.getByTestId("phone-code").fill(await delivery.smsCode(e164));
      await added.getByTestId("phone-verify-submit").click();
      await page.getByTestId("phones-done").filter({ hasText: "Telefonen är verifierad." }).waitFor();
      await added.getByTestId("phone-state").filter({ hasText: "Verifierad" }).waitFor();
      await added.getByRole("button", { name: "Gör till primär" }).click();
      await page.getByTestId("phones-done").filter({ hasText: "Den primära telefonen är ändrad." }).waitFor();
      await added.getByText("Primär", { exact: true }).waitFor();

      const api = await apiSession(user);
      const phones = await api.get<{
        phones: Array<{ number: string; verified: boolean; primary: boolean; name: string }>;
      }>("/api/account/phones");
      const mine = phones.body.phones.find((p) => p.number === e164);
      expect(mine).to.include({ verified: true, primary: true, name: "Jobbtelefon" });
      expect(await auditTypes(api)).to.include.members(["phone.added", "phone.verified", "phone.primary_changed"]);
    });

    it("changes the password with the rules shown live; the old one stops working", async () => {
      const { page } = current();
      const user = await buildUser({ name: "Karin Berg" });
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/security");
      const submit = page.getByTestId("change-password");
      const rules = page.getByTestId("password-rules").locator("li");
      await page.getByLabel("Nuvarande lösenord").fill("Not-the-password-1");
      await page.getByLabel("Nytt lösenord").fill("kort1");
      expect(await rules.evaluateAll((els) => els.map((e) => e.getAttribute("data-ok")))).to.deep.equal([
        "false",
        "true",
      ]);
      expect(await submit.isDisabled()).to.equal(true);
      const newPassword = "Hostregn-over-sjon-7";
      await page.getByLabel("Nytt lösenord").fill(newPassword);
      expect(await rules.evaluateAll((els) => els.map((e) => e.getAttribute("data-ok")))).to.deep.equal([
        "true",
        "true",
      ]);
      await submit.click();
      await page.getByText("Lösenordet stämmer inte.").waitFor();
      await page.getByLabel("Nuvarande lösenord").fill(defaultPassword);
      await submit.click();
      await page.getByTestId("password-changed").waitFor();

      await signOutThroughMenu(page);
      await passwordStep(page, user.email, defaultPassword);
      await page.getByTestId("error").waitFor();
      await passwordStep(page, user.email, newPassword);
      await page.getByRole("heading", { name: "Välkommen, Karin Berg" }).waitFor();
    });

    it("lists the sessions with this one marked, signs out everywhere and shows the audit log", async () => {
      const { page } = current();
      const user = await buildUser();
      const other = await apiSession(user);
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/activity");
      await page.getByTestId("session").nth(1).waitFor();
      expect(await page.getByTestId("session").count()).to.equal(2);
      const currentRow = page.locator("[data-testid=session][data-current=true]");
      expect(await currentRow.count()).to.equal(1);
      expect(await currentRow.textContent()).to.contain("Den här enheten");
      expect(await currentRow.textContent()).to.contain("Chrome");

      const events = page.getByTestId("audit-event");
      await events.first().waitFor();
      expect(await page.locator("[data-testid=audit-event][data-type='login.succeeded']").count()).to.be.greaterThan(0);
      expect(await page.getByTestId("audit-table").textContent()).to.contain("Inloggad");
      await expectNoSeriousAxe(page, "activity");

      // Sign out one other device: its session ends, this one stays.
      const third = await apiSession(user);
      await page.reload();
      await page.getByTestId("session").nth(2).waitFor();
      const others = page.locator("[data-testid=session][data-current=false]");
      expect(await others.first().textContent()).to.contain("Node.js");
      await others.first().getByRole("button", { name: "Logga ut" }).click();
      await page.getByTestId("session").nth(2).waitFor({ state: "detached" });
      const stillIn = [(await other.get("/api/account")).status, (await third.get("/api/account")).status].sort();
      expect(stillIn, "exactly one of the two other sessions ended").to.deep.equal([200, 401]);

      await page.getByRole("button", { name: "Logga ut överallt" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Logga ut överallt" }).click();
      await page.getByText("Du är utloggad.").waitFor();
      expect((await other.get("/api/account")).status, "the other sessions ended too").to.equal(401);
      expect((await third.get("/api/account")).status).to.equal(401);
      await page.goto("/settings/activity");
      await page.waitForURL("**/login?next=%2Fsettings%2Factivity");
    });

    it("pages through a long audit log", async () => {
      const { page } = current();
      const user = await buildUser();
      // 30 failed sign-ins would lock the account: use settings changes (each one audited).
      const api = await apiSession(user);
      for (let i = 0; i < 27; i++) await api.patch("/api/account", { signature: `Hälsningar ${i}` });
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/activity");
      await page.getByTestId("audit-event").nth(24).waitFor();
      expect(await page.getByTestId("audit-event").count()).to.equal(25);
      await page.getByRole("button", { name: "Visa äldre händelser" }).click();
      await page.getByTestId("audit-event").nth(25).waitFor();
      const types = await page
        .getByTestId("audit-event")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-type")));
      expect(types.length).to.be.greaterThan(25);
      expect(types.filter((t) => t === "account.settings_changed")).to.have.length(27);
    });

    it("saves name, neutral notifications, signature and an auto-reply with a period", async () => {
      const { page } = current();
      const user = await buildUser({ name: "Lena Ek" });
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings");
      expect(await page.getByTestId("account-email").textContent()).to.equal(user.email);
      expect(await page.getByTestId("account-mobile").textContent()).to.contain(user.mobile!);
      await page.getByLabel("Namn", { exact: true }).fill("Lena Ekström");
      await page.getByTestId("account-save").click();
      await page.getByText("Sparat.").waitFor();
      await page.getByTestId("user-menu").filter({ hasText: "Lena Ekström" }).waitFor();

      await page.getByRole("link", { name: "Alternativ" }).click();
      await page.getByRole("switch", { name: "Neutrala aviseringar" }).click();
      await page.getByTestId("section-notifications").getByText("Sparat.").waitFor();
      await page.getByLabel("Signatur", { exact: true }).fill("Lena Ekström\nSocialtjänsten");
      await page.getByTestId("signature-save").click();
      await page.getByTestId("section-signature").getByText("Sparat.").waitFor();

      await page.getByRole("switch", { name: "Skicka autosvar" }).click();
      expect(await page.getByTestId("auto-reply-save").isDisabled(), "no text yet").to.equal(true);
      await page.getByLabel("Text i autosvaret").fill("Jag är på semester till och med den 30 juli.");
      await page.getByLabel("Första dagen").fill("2027-07-10");
      await page.getByLabel("Sista dagen").fill("2027-07-01");
      await page.getByText("Sista dagen kan inte vara före första dagen.").waitFor();
      await page.getByLabel("Sista dagen").fill("2027-07-30");
      await page.getByTestId("auto-reply-save").click();
      await page.getByTestId("auto-reply-saved").waitFor();

      const api = await apiSession(user);
      const account = (
        await api.get<{
          name: string;
          neutralNotifications: boolean;
          signature: string;
          autoReply: { enabled: boolean; text: string; from: string; to: string };
        }>("/api/account")
      ).body;
      expect(account.name).to.equal("Lena Ekström");
      expect(account.neutralNotifications).to.equal(true);
      expect(account.signature).to.equal("Lena Ekström\nSocialtjänsten");
      expect(account.autoReply.enabled).to.equal(true);
      expect(account.autoReply.text).to.equal("Jag är på semester till och med den 30 juli.");
      expect(new Date(account.autoReply.from).getTime()).to.equal(new Date(2027, 6, 10).getTime());
      expect(new Date(account.autoReply.to).getTime()).to.equal(new Date(2027, 6, 30, 23, 59, 59).getTime());
      // Reloaded, the form shows what was saved.
      await page.reload();
      expect(await page.getByLabel("Första dagen").inputValue()).to.equal("2027-07-10");
      expect(await page.getByLabel("Sista dagen").inputValue()).to.equal("2027-07-30");
    });

    it("downloads the data export and deletes the account after the password and a second factor", async () => {
      const { page } = current();
      const user = await buildUser();
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings/data");
      // The export is confirmed with a second factor each time (issue 13): a wrong code is refused.
      const exportButton = page.getByRole("button", { name: "Ladda ner mina uppgifter" });
      expect(await exportButton.isDisabled(), "not before a code").to.equal(true);
      const exportCode = await clickForSms(page, "export-send-sms", delivery, user.mobile!);
      await page.getByTestId("export-code").fill(exportCode === "000000" ? "111111" : "000000");
      await exportButton.click();
      await page.getByText("Koden stämmer inte eller har gått ut").waitFor();
      await page.getByTestId("export-code").fill(exportCode);
      const [download] = await Promise.all([page.waitForEvent("download"), exportButton.click()]);
      expect(download.suggestedFilename()).to.match(/^kuvert-export-\d{4}-\d{2}-\d{2}\.zip$/);
      const zip = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const c of zip) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).subarray(0, 2).toString("latin1")).to.equal("PK");

      await page.getByTestId("delete-warning").filter({ hasText: "permanent och kan inte ångras" }).waitFor();
      const submit = page.getByTestId("delete-submit");
      await page.getByLabel("Lösenord", { exact: true }).fill(defaultPassword);
      const code = await clickForSms(page, "delete-send-sms", delivery, user.mobile!);
      await page.getByTestId("delete-code").fill(code);
      expect(await submit.isDisabled(), "not before ticking the box").to.equal(true);
      await page
        .getByRole("checkbox", { name: "Jag förstår att mitt konto tas bort för alltid och inte kan återställas" })
        .check({ force: true });
      await page.getByLabel("Lösenord", { exact: true }).fill("Wrong-password-9");
      await submit.click();
      await page.getByText("Lösenordet stämmer inte.").waitFor();
      await page.getByLabel("Lösenord", { exact: true }).fill(defaultPassword);
      await submit.click();
      await page.getByTestId("account-deleted").waitFor();
      expect(await page.getByTestId("user-menu").count()).to.equal(0);
      const gone = await ApiClient.create();
      expect((await gone.post("/api/auth/login", { email: user.email, password: defaultPassword })).status).to.equal(
        401,
      );
    });

    it("can be used with the keyboard alone: section links and buttons in tab order, with a visible focus ring", async () => {
      const { page } = current();
      const user = await buildUser();
      await signInThroughUi(page, user.email, defaultPassword);
      await page.goto("/settings");
      await page.getByTestId("section-account").waitFor();
      const tabTo = async (text: string) => {
        for (let i = 0; i < 30; i++) {
          await page.keyboard.press("Tab");
          if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === text) return;
        }
        throw new Error(`Tab never reached ${text}`);
      };
      await tabTo("Säkerhet");
      await page.keyboard.press("Enter");
      await page.getByTestId("section-totp").waitFor();
      expect(await page.getByRole("link", { name: "Säkerhet" }).getAttribute("aria-current")).to.equal("page");
      await tabTo("Slå på tvåstegsverifiering");
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return getComputedStyle(el, "::after").borderStyle + getComputedStyle(el).outlineStyle;
      });
      expect(ring).to.match(/solid/);
      await page.keyboard.press("Enter");
      await page.getByTestId("totp-send-sms").waitFor();
      await tabTo("Skicka kod med SMS");
      await tabTo("Avbryt");
      await page.keyboard.press("Enter");
      await page.getByTestId("totp-enable").waitFor();
    });

    it("renders every settings page in Swedish and English with no raw keys and no serious axe violations", async () => {
      const { page } = current();
      const user = await buildUser({ name: "Maja Lund" });
      await signInThroughUi(page, user.email, defaultPassword);
      for (const lang of ["sv", "en"] as const) {
        if (lang === "en") await page.getByRole("button", { name: "English" }).click();
        for (const [path, section] of settingsPages) {
          await page.goto(path);
          await page.getByTestId(`section-${section}`).waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoRawKeys(page, `${lang} ${path}`);
          await expectNoSeriousAxe(page, `${lang} ${path}`);
        }
        await page.getByRole("heading", { name: lang === "sv" ? "Ta bort mitt konto" : "Delete my account" }).waitFor();
        expect(await page.title()).to.equal(lang === "sv" ? "Mina uppgifter – Kuvert" : "My data – Kuvert");
        await page.goto("/settings/security");
        await page.getByTestId("totp-enable").click();
        await page.getByTestId("codes-generate").click();
        await page.getByTestId("phone-add").click();
        await page.getByTestId("phone-add-form").waitFor();
        await expectNoRawKeys(page, `${lang} security forms`);
        await expectNoSeriousAxe(page, `${lang} security forms`);
      }
    });
  });

  describe("on a 360 px phone", () => {
    const current = usePage({ viewport: { width: 360, height: 740 } });

    it("fits every settings page (and its open forms) without sideways scrolling", async () => {
      const { page } = current();
      const user = await buildUser({ name: "Nils Personsson-Wahlgren" });
      const api = await apiSession(user);
      await api.patch("/api/account", { signature: "x" });
      await signInThroughUi(page, user.email, defaultPassword);
      for (const [path, section] of settingsPages) {
        await page.goto(path);
        await page.getByTestId(`section-${section}`).waitFor();
        await page.waitForLoadState("networkidle");
        expect(await hasHorizontalScroll(page), path).to.equal(false);
      }
      await page.goto("/settings/security");
      await page.getByTestId("totp-enable").click();
      await page.getByTestId("phone-add").click();
      await page.getByTestId("phone-add-form").waitFor();
      expect(await hasHorizontalScroll(page), "security forms").to.equal(false);
      await page.getByTestId("totp-sms-code").fill(await clickForSms(page, "totp-send-sms", delivery, user.mobile!));
      await page.getByTestId("totp-sms-next").click();
      await page.getByTestId("totp-secret").waitFor();
      expect(await hasHorizontalScroll(page), "QR code step").to.equal(false);
      await expectNoSeriousAxe(page, "360 px security");
    });
  });
});
