// The add-in's Microsoft sign-in in Chromium: the real task pane bundle (with @azure/msal-browser)
// inside the fake Outlook host (test/support/fakeOffice.ts, installed by officeInPage.ts), whose
// nested app authentication bridge and Office SSO get real tokens from the local OpenID provider
// (test/support/entraProvider.ts); the backend checks them as it would Entra's.
// Chain: NAA → legacy Office SSO → the Kuvert sign-in dialog.
import crypto from "node:crypto";
import fs from "node:fs";
import { expect } from "chai";
import { decodeJwt } from "jose";
import type { Page } from "playwright-core";
import { ensureAddin } from "../../addin/scripts/buildAddin.js";
import { officeJsOrigin } from "#shared/officeHosts.js";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import { transaction } from "../../backend/src/db.js";
import { issueApiToken } from "../../backend/src/services/apiTokens.js";
import { User } from "../../backend/src/models/User.js";
import { ApiToken } from "../../backend/src/models/ApiToken.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import { startEntraProvider, type EntraTestProvider } from "../support/entraProvider.js";
import {
  dialogAnswers,
  hostRecord,
  installOutlookHost,
  openedDialog,
  type InPageHostOptions,
} from "../support/officeInPage.js";
import { hasHorizontalScroll, seriousAxeViolations, usePage } from "../support/browser.js";

const CLIENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
/** The test server's PUBLIC_URL is http://kuvert.test. */
const API_SCOPE = `api://kuvert.test/${CLIENT_ID}/access_as_user`;

describe("add-in Microsoft sign-in in Chromium: NAA (msal-browser), legacy Office SSO, dialog", function () {
  this.timeout(120_000);
  const current = usePage({ viewport: { width: 360, height: 800 } });
  let op: EntraTestProvider;
  let savedEnv: Env;
  let tenant: string;
  let staff: User;
  let staffAccount: string;
  let staffOid: string;

  before(async function () {
    this.timeout(180_000);
    await ensureAddin();
    op = await startEntraProvider({ clientIds: [CLIENT_ID], apiResource: (id) => `api://kuvert.test/${id}` });
    savedEnv = env();
    setEnv({
      ...savedEnv,
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_ISSUER_TEMPLATE: op.issuerTemplate,
      ENTRA_JWKS_URL: op.jwksUrl,
      // MSAL's authority: the local provider (nothing may leave loopback).
      ENTRA_AUTHORITY_URL: op.baseUrl,
    });
    tenant = crypto.randomUUID();
    const org = await buildOrganisation();
    await org.update({ entraTenantId: tenant });
    staff = await buildUser({ organisation: org, email: uniqueEmail("naa") });
    staffOid = crypto.randomUUID();
    staffAccount = op.addAccount({ tid: tenant, oid: staffOid, preferred_username: staff.email, name: "Staff" });
  });

  after(async () => {
    setEnv(savedEnv);
    await op?.close();
  });

  /**
   * Opens the task pane in the fake host; the host's bridge and Office SSO sign `account` in at
   * the local provider. Returns the scopes the bridge was asked for.
   */
  async function openPane(page: Page, host: InPageHostOptions, account = staffAccount): Promise<void> {
    await page.route(`${officeJsOrigin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
    );
    await page.exposeFunction("__entraToken", async (scope: string, clientId: string) => {
      // The bridge gets `api://<host>/<client id>/access_as_user`: resource + scope at the provider.
      const m = /^(api:\/\/[^/]+\/[^/]+)\/([^/ ]+)$/.exec(scope);
      if (!m) throw new Error(`unexpected scope ${scope}`);
      const tokens = await op.signIn({ segment: tenant, accountId: account, clientId, scope: m[2] });
      const claims = decodeJwt(tokens.accessToken);
      return JSON.stringify({ ...tokens, tid: claims.tid, oid: claims.oid, username: claims.preferred_username });
    });
    await page.exposeFunction(
      "__legacyToken",
      async () => (await op.signIn({ segment: tenant, accountId: account })).accessToken,
    );
    await installOutlookHost(page, host);
    await page.goto(`/addin/taskpane.html?mode=${host.read ? "read" : "compose"}`);
    await page.getByTestId("sign-in").waitFor({ timeout: 30_000 });
  }

  async function signedInAs(page: Page, email: string): Promise<void> {
    await page.getByTestId("signed-in-as").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("signed-in-as").textContent()).to.contain(email);
  }

  const naaHost = (naa: InPageHostOptions["naa"], legacy: InPageHostOptions["legacy"] = "token") => ({
    displayLanguage: "en-US",
    sets: { NestedAppAuth: "1.1", IdentityAPI: "1.3" },
    naa,
    legacy,
  });

  it("NAA: MSAL asks the host for the API scope silently; the backend binds the person; no SSO, no dialog", async () => {
    const { page, errors } = current();
    await openPane(page, naaHost({ silent: "token", popup: "USER_CANCEL" }));
    await page.getByTestId("sign-in").click();
    await signedInAs(page, staff.email);
    const record = await hostRecord(page);
    const tokenRequests = record.bridge.filter((r) => r.method !== "GetInitContext");
    expect(record.bridge[0]?.method).to.equal("GetInitContext");
    expect(tokenRequests).to.have.length(1);
    expect(tokenRequests[0]).to.include({ method: "GetToken", clientId: CLIENT_ID });
    expect(tokenRequests[0].scope?.split(" ")).to.include(API_SCOPE);
    expect(record.legacyCalls, "legacy Office SSO").to.equal(0);
    expect(record.dialogs, "dialogs").to.deep.equal([]);
    expect((await User.findByPk(staff.id))?.entraObjectId).to.equal(staffOid);
    expect(errors.filter((e) => !/favicon/.test(e))).to.deep.equal([]);
  });

  it("NAA: when the host needs the user (interaction required), MSAL asks with the host's prompt", async () => {
    const { page } = current();
    await openPane(page, naaHost({ silent: "USER_INTERACTION_REQUIRED", popup: "token" }));
    await page.getByTestId("sign-in").click();
    await signedInAs(page, staff.email);
    const record = await hostRecord(page);
    expect(record.bridge.map((r) => r.method)).to.deep.equal(["GetInitContext", "GetToken", "GetTokenPopup"]);
    expect(record.legacyCalls).to.equal(0);
  });

  it("NAA: the user cancels Microsoft's prompt: sign-in stops, no legacy SSO, no dialog", async () => {
    const { page } = current();
    await openPane(page, naaHost({ silent: "USER_INTERACTION_REQUIRED", popup: "USER_CANCEL" }));
    await page.getByTestId("sign-in").click();
    await page.getByText("Sign-in was cancelled.").waitFor({ timeout: 30_000 });
    const record = await hostRecord(page);
    expect(record.legacyCalls).to.equal(0);
    expect(record.dialogs).to.deep.equal([]);
    expect(await page.getByTestId("signed-in-as").count()).to.equal(0);
  });

  it("legacy Office SSO where the host has no NAA (no NestedAppAuth 1.1, no bridge)", async () => {
    const { page } = current();
    await openPane(page, { displayLanguage: "en-US", sets: { IdentityAPI: "1.3" }, naa: null, legacy: "token" });
    await page.getByTestId("sign-in").click();
    await signedInAs(page, staff.email);
    const record = await hostRecord(page);
    expect(record.legacyCalls).to.equal(1);
    expect(record.bridge).to.deep.equal([]);
    expect(record.dialogs).to.deep.equal([]);
  });

  it("legacy Office SSO where the host claims NestedAppAuth but MSAL finds no bridge (no MSAL pop-up of its own)", async () => {
    const { page } = current();
    await openPane(page, naaHost(null));
    const popups: string[] = [];
    page.on("popup", (p) => popups.push(p.url()));
    await page.getByTestId("sign-in").click();
    await signedInAs(page, staff.email);
    expect((await hostRecord(page)).legacyCalls).to.equal(1);
    expect(popups).to.deep.equal([]);
  });

  it("the Kuvert dialog (the existing sign-in path) when neither NAA nor Office SSO is there", async () => {
    const { page } = current();
    await openPane(page, { displayLanguage: "en-US", sets: {}, naa: null, legacy: null });
    await page.getByTestId("sign-in").click();
    const dialogUrl = await openedDialog(page);
    const record = await hostRecord(page);
    expect(record.dialogs).to.deep.equal([dialogUrl]);
    expect(new URL(dialogUrl).pathname).to.equal("/addin/signin.html");
    const { token } = await transaction((t) => issueApiToken(t, staff, "test dialog"));
    await dialogAnswers(page, JSON.stringify({ token }));
    await signedInAs(page, staff.email);
  });

  it("the dialog when the backend refuses the NAA token (a Microsoft account without a Kuvert account)", async () => {
    const { page } = current();
    const stranger = op.addAccount({
      tid: tenant,
      oid: crypto.randomUUID(),
      preferred_username: uniqueEmail("stranger"),
      name: "Stranger",
    });
    await openPane(page, naaHost({ silent: "token", popup: "USER_CANCEL" }), stranger);
    await page.getByTestId("sign-in").click();
    const dialogUrl = await openedDialog(page);
    const record = await hostRecord(page);
    expect(new URL(dialogUrl).pathname).to.equal("/addin/signin.html");
    expect(record.bridge.some((r) => r.method === "GetToken")).to.equal(true);
    expect(record.legacyCalls).to.equal(0);
    const { token } = await transaction((t) => issueApiToken(t, staff, "test dialog"));
    await dialogAnswers(page, JSON.stringify({ token }));
    await signedInAs(page, staff.email);
  });
  it("read pane after NAA sign-in: the key-less token is unlocked once with the Kuvert password, then the pane reads, downloads and replies", async () => {
    const { page, baseUrl, errors } = current();
    const sender = await buildUser({ name: "Sara Sändare" });
    const senderApi = await signIn(sender);
    const draft = await senderApi.post<{ id: string }>("/api/messages/drafts", {});
    const file = Buffer.from("Bilaga som låses upp i Outlook");
    const up = await senderApi.request("POST", `/api/messages/${draft.body.id}/attachments`, new Uint8Array(file), {
      "Content-Type": "text/plain",
      "X-File-Name": encodeURIComponent("beslut.txt"),
    });
    expect(up.status, up.text).to.equal(201);
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      draftId: draft.body.id,
      to: [{ email: staff.email }],
      subject: "Read it in Outlook",
      body: "Unlocked with the Kuvert password",
    });
    expect(sent.status, sent.text).to.equal(201);
    const link = `${baseUrl}/mailbox/inbox/${sent.body.id}`;

    await openPane(page, {
      ...naaHost({ silent: "token", popup: "USER_CANCEL" }),
      read: {
        subject: "You have received a secure message",
        bodyHtml: `<p>You have received a secure message.</p><p><a href="${link}">Read the message</a></p>`,
      },
    });
    await page.getByTestId("sign-in").click();
    await signedInAs(page, staff.email);
    expect((await hostRecord(page)).dialogs, "no Kuvert dialog: Microsoft signed the pane in").to.deep.equal([]);
    const token = await ApiToken.findOne({ where: { userId: staff.id }, order: [["createdAt", "DESC"]] });
    expect(token?.label).to.equal("Outlook add-in (Microsoft sign-in)");
    expect(token?.privateKeySealed, "Microsoft sign-in gives a key-less token").to.equal(null);

    // keys_locked: the unlock form, not a dead end.
    const form = page.getByTestId("unlock-form");
    await form.waitFor({ timeout: 30_000 });
    expect(await form.textContent()).to.contain("Unlock your messages");
    expect(await page.getByTestId("open-in-mailbox").getAttribute("href")).to.equal(link);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await hasHorizontalScroll(page), "no horizontal scroll at 360 px").to.equal(false);

    // A wrong password: said plainly, counted toward the lockout, still locked.
    await page.getByLabel("Kuvert password", { exact: false }).first().fill("Wrong7password");
    await page.getByTestId("unlock-submit").click();
    await page.getByTestId("unlock-error").filter({ hasText: "The password is not right" }).waitFor();
    // The pane draws Fluent's message icons inline (shared/ui/icons.tsx): no empty icon space.
    const errorBar = page.locator(".ms-MessageBar").filter({ has: page.getByTestId("unlock-error") });
    expect(await errorBar.locator(".ms-MessageBar-icon svg").count()).to.equal(1);
    expect((await User.findByPk(staff.id))!.failedLoginCount).to.equal(1);
    expect((await ApiToken.findByPk(token!.id))!.privateKeySealed).to.equal(null);

    // The right one (Enter submits): the key is sealed to this token and the message opens.
    await page.getByLabel("Kuvert password", { exact: false }).first().fill(defaultPassword);
    await page.keyboard.press("Enter");
    await page.getByTestId("read-message").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("read-subject").textContent()).to.equal("Read it in Outlook");
    expect(await page.getByTestId("read-body").textContent()).to.equal("Unlocked with the Kuvert password");
    expect((await User.findByPk(staff.id))!.failedLoginCount).to.equal(0);
    expect((await ApiToken.findByPk(token!.id))!.privateKeySealed).to.match(/^k1\./);
    expect((await User.findByPk(staff.id))!.privateKeyEscrow, "escrow untouched").to.not.equal(null);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download beslut.txt" }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal("beslut.txt");
    expect(fs.readFileSync(await download.path()).equals(file)).to.equal(true);

    await page.getByLabel("Your reply").fill("Thanks, read in Outlook.");
    await page.getByTestId("reply-send").click();
    await page.getByTestId("read-notice").filter({ hasText: "sent securely" }).waitFor();
    const thread = await senderApi.get<{ messages: Array<{ text: string | null }> }>(
      `/api/messages/${sent.body.id}/thread`,
    );
    expect(thread.status, thread.text).to.equal(200);
    expect(thread.body.messages.map((m) => m.text)).to.include("Thanks, read in Outlook.");

    // Once per device session: the pane opened again with the same token reads at once.
    await page.reload();
    await page.getByTestId("read-message").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("unlock-form").count()).to.equal(0);
    expect(errors.filter((e) => !/favicon|403|401/.test(e))).to.deep.equal([]);
  });
});
