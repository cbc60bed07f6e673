import { expect } from "chai";
import speakeasy from "speakeasy";
import type { Page } from "playwright-core";
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { ApiClient } from "../support/server.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { testWorker } from "../support/outbox.js";
import { seriousAxeViolations, usePage } from "../support/browser.js";
import { UserTotp } from "../../backend/src/models/UserTotp.js";
import type { User } from "../../backend/src/models/User.js";
import type { OutboxWorker } from "../../backend/src/outbox/worker.js";

const totpAt = (secret: string, seconds: number) =>
  speakeasy.totp({ secret, encoding: "base32", algorithm: "sha1", digits: 6, step: 30, time: Math.floor(seconds) });

async function signInPasswordStep(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-postadress").fill(email);
  await page.getByRole("button", { name: "Nästa" }).click();
  await page.getByLabel("Lösenord", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("heading", { name: "Tvåstegsverifiering" }).waitFor();
}

describe("web app: two-step sign-in, recovery and forgot password (browser)", function () {
  this.timeout(90_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;
  let worker: OutboxWorker;
  const current = usePage();

  before(async () => {
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
    worker = testWorker({ smtpUrl: smtp.url, smsUrl: sms.url });
    worker.start();
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await sms.close();
  });

  /** Turns on the authenticator the way a user does: SMS code, secret, first app code (API). */
  async function enableTotpViaApi(user: User, api?: ApiClient): Promise<string> {
    api ??= await ApiClient.create();
    expect((await api.post("/api/auth/login", { email: user.email, password: defaultPassword })).body).to.deep.equal({
      next: "done",
    });
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "totp_enable" })).status).to.equal(202);
    const smsCode = await sms.waitForCode(user.mobile!);
    const start = await api.post<{ secret: string }>("/api/account/2fa/totp/start", { smsCode });
    expect(start.status).to.equal(200);
    // Confirm with the previous step's code, so the current and next ones are still unused.
    const confirm = await api.post("/api/account/2fa/totp/confirm", {
      code: totpAt(start.body.secret, Date.now() / 1000 - 30),
    });
    expect(confirm.status, confirm.text).to.equal(200);
    return start.body.secret;
  }

  it("signs in with an authenticator code computed from the secret; a wrong code is refused first", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Elsa Berg" });
    const secret = await enableTotpViaApi(user);
    await signInPasswordStep(page, user.email, defaultPassword);
    expect(await page.getByLabel("Autentiseringsapp").isChecked()).to.equal(true);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);

    const now = Date.now() / 1000;
    const wrong = ["000000", "999999"].find((c) => ![-30, 0, 30].some((d) => totpAt(secret, now + d) === c))!;
    await page.getByLabel("Kod från appen").fill(wrong);
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByText("Koden stämmer inte eller har gått ut.", { exact: false }).waitFor();

    await page.getByLabel("Kod från appen").fill(totpAt(secret, Date.now() / 1000));
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByRole("heading", { name: "Välkommen, Elsa Berg" }).waitFor();
  });

  /** The authenticator plus a set of one-time codes (confirmed by SMS), through the API. */
  async function enableTotpAndBackupCodes(user: User): Promise<string[]> {
    const api = await ApiClient.create();
    await enableTotpViaApi(user, api);
    expect((await api.post("/api/account/2fa/sms-code", { purpose: "backup_codes" })).status).to.equal(202);
    const smsCode = await sms.waitForCode(user.mobile!);
    const res = await api.post<{ codes: string[] }>("/api/account/backup-codes", { smsCode });
    expect(res.status, res.text).to.equal(201);
    return res.body.codes;
  }

  it("signs in with a one-time code", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Ebba Kod" });
    const codes = await enableTotpAndBackupCodes(user);
    await signInPasswordStep(page, user.email, defaultPassword);
    await page.getByRole("radio", { name: "Engångskod" }).check();
    await page.getByTestId("code").fill(codes[0]);
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByRole("heading", { name: "Välkommen, Ebba Kod" }).waitFor();
  });

  it("recovers from a lost authenticator with a one-time code; a used code is refused", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Frida Reserv" });
    const codes = await enableTotpAndBackupCodes(user);
    // Spend the first code on a normal sign-in in another browser context.
    const other = await page.context().browser()!.newContext({ baseURL: current().baseUrl });
    const otherPage = await other.newPage();
    await signInPasswordStep(otherPage, user.email, defaultPassword);
    await otherPage.getByRole("radio", { name: "Engångskod" }).check();
    await otherPage.getByTestId("code").fill(codes[0]);
    await otherPage.getByRole("button", { name: "Bekräfta" }).click();
    await otherPage.getByTestId("greeting").waitFor();
    await other.close();

    await signInPasswordStep(page, user.email, defaultPassword);
    await page.getByRole("link", { name: "Har du tappat bort din autentiseringsapp?" }).click();
    await page.getByRole("radio", { name: "Med en engångskod" }).check();
    await page.getByTestId("code").fill(codes[0]);
    await page.getByTestId("recover").click();
    await page.getByText("Koden stämmer inte eller har gått ut.", { exact: false }).waitFor();
    await page.getByTestId("code").fill(codes[1]);
    await page.getByTestId("recover").click();
    await page.getByTestId("recovery-done").waitFor();
    expect((await UserTotp.findByPk(user.id))?.enabled ?? false).to.equal(false);
  });

  it("signs in with an SMS code sent by the button", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Folke Ström" });
    await enableTotpViaApi(user);
    await signInPasswordStep(page, user.email, defaultPassword);
    await page.getByLabel("SMS-kod").check();
    await page.getByRole("button", { name: "Skicka kod med SMS" }).click();
    await page.getByText("Vi har skickat en kod till din mobil.", { exact: false }).waitFor();
    const code = await sms.waitForCode(user.mobile!);
    await page.getByLabel("Kod från SMS", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByRole("heading", { name: "Välkommen, Folke Ström" }).waitFor();
  });

  it("recovers from a lost authenticator with an SMS code: signed in, authenticator off", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Gun Ahl" });
    await enableTotpViaApi(user);
    await signInPasswordStep(page, user.email, defaultPassword);
    await page.getByRole("link", { name: "Har du tappat bort din autentiseringsapp?" }).click();
    await page.getByRole("heading", { name: "Tappat bort autentiseringsappen" }).waitFor();
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.getByRole("button", { name: "Skicka kod med SMS" }).click();
    const code = await sms.waitForCode(user.mobile!);
    await page.getByLabel("Kod från SMS", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Logga in och stäng av tvåstegsverifiering" }).click();
    await page.getByTestId("recovery-done").waitFor();
    expect((await UserTotp.findByPk(user.id))?.enabled ?? false).to.equal(false);
    await page.getByRole("button", { name: "Fortsätt" }).click();
    await page.getByRole("heading", { name: "Välkommen, Gun Ahl" }).waitFor();
  });

  it("unlocks a locked account with Forgot password: SMS code, a new password checked live, then sign-in", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Hugo Lind" });
    await page.goto("/login");
    await page.getByLabel("E-postadress").fill(user.email);
    await page.getByRole("button", { name: "Nästa" }).click();
    for (let i = 1; i <= 3; i++) {
      await page.getByLabel("Lösenord", { exact: true }).fill(`Wrong-password-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith("/api/auth/login"));
      await page.getByRole("button", { name: "Logga in" }).click();
      await answered;
    }
    await page.getByText("Kontot är låst efter för många misslyckade inloggningar.").waitFor();
    await page.getByRole("link", { name: "Lås upp genom att välja ett nytt lösenord." }).click();

    await page.getByRole("heading", { name: "Glömt lösenordet" }).waitFor();
    expect(await page.getByLabel("E-postadress").inputValue(), "the address carries over").to.equal(user.email);
    await page.getByRole("button", { name: "Nästa" }).click();
    const code = await sms.waitForCode(user.mobile!);
    await page.getByLabel("Kod från SMS", { exact: true }).fill(code);
    const save = page.getByRole("button", { name: "Spara nytt lösenord" });
    const rules = page.getByTestId("password-rules").locator("li");
    await page.getByLabel("Nytt lösenord").fill("kort1");
    expect(await rules.evaluateAll((els) => els.map((e) => e.getAttribute("data-ok")))).to.deep.equal([
      "false",
      "true",
    ]);
    expect(await save.isDisabled()).to.equal(true);
    await page.getByLabel("Nytt lösenord").fill("ettlangtlosenord");
    expect(await rules.evaluateAll((els) => els.map((e) => e.getAttribute("data-ok")))).to.deep.equal([
      "true",
      "false",
    ]);
    expect(await save.isDisabled()).to.equal(true);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    const newPassword = "Vinterkvall-2026";
    await page.getByLabel("Nytt lösenord").fill(newPassword);
    expect(await rules.evaluateAll((els) => els.map((e) => e.getAttribute("data-ok")))).to.deep.equal(["true", "true"]);
    await save.click();
    await page.getByTestId("reset-done").waitFor();

    await page.getByRole("link", { name: "Till inloggningen" }).click();
    await page.getByLabel("E-postadress").fill(user.email);
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.getByLabel("Lösenord", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.getByRole("heading", { name: "Välkommen, Hugo Lind" }).waitFor();
  });

  it("says so when the reset code is wrong", async () => {
    const { page } = current();
    const user = await buildUser();
    await page.goto("/forgot-password");
    await page.getByLabel("E-postadress").fill(user.email);
    await page.getByRole("button", { name: "Nästa" }).click();
    const code = await sms.waitForCode(user.mobile!);
    await page.getByLabel("Kod från SMS", { exact: true }).fill(code === "123456" ? "654321" : "123456");
    await page.getByLabel("Nytt lösenord").fill("Varmare-sommar-9");
    await page.getByRole("button", { name: "Spara nytt lösenord" }).click();
    await page.getByText("Koden stämmer inte eller har gått ut.", { exact: false }).waitFor();
  });

  it("an organisation that requires two-step verification takes a member without it through turning it on at sign-in", async () => {
    const { page, errors } = current();
    const org = await buildOrganisation();
    const user = await buildUser({ organisation: org, role: "staff" });
    await Organisation.update({ policy: { requireSecondFactor: true } }, { where: { id: org.id } });
    await page.goto("/login");
    await page.getByLabel("E-postadress").fill(user.email);
    await page.getByRole("button", { name: "Nästa" }).click();
    await page.getByLabel("Lösenord", { exact: true }).fill(defaultPassword);
    await page.getByRole("button", { name: "Logga in" }).click();
    await page.getByRole("heading", { name: "Slå på tvåstegsverifiering" }).waitFor();
    await page.getByText("Din organisation kräver tvåstegsverifiering").waitFor();
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.getByRole("button", { name: "Slå på tvåstegsverifiering" }).click();
    await page.getByTestId("totp-send-sms").click();
    const smsCode = await sms.waitForCode(user.mobile!);
    await page.getByTestId("totp-sms-code").fill(smsCode);
    await page.getByTestId("totp-sms-next").click();
    const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s+/g, "");
    expect(secret).to.match(/^[A-Z2-7]{16,}$/);
    await page.getByLabel("Kod från appen").fill(totpAt(secret, Date.now() / 1000));
    await page.getByTestId("totp-confirm").click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByTestId("user-menu").waitFor();
    expect((await UserTotp.findByPk(user.id))!.enabled).to.equal(true);
    expect(errors).to.deep.equal([]);
  });
});
