// The real task pane bundle (dist/addin/taskpane.js) in Chromium, inside a small in-test
// Outlook host: window.Office is defined before the bundle by an init script (office.js from
// Microsoft's CDN is answered with an empty script), the compose item lives in the page and the
// test inspects it afterwards. Backend: the real app from getTestServer().
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { ensureAddin } from "../../addin/scripts/buildAddin.js";
import { officeJsOrigin } from "#shared/officeHosts.js";
import { env } from "../../backend/src/env.js";
import { transaction } from "../../backend/src/db.js";
import { issueApiToken, revokeApiToken } from "../../backend/src/services/apiTokens.js";
import { Message } from "../../backend/src/models/Message.js";
import { hashLinkToken } from "../../backend/src/services/messages/linkTokens.js";
import { PROFESSIONAL_MONTHLY_MESSAGES } from "../../backend/src/services/messages/plans.js";
import { createOrganisation } from "../../backend/src/commands/createOrganisation.js";
import { createUser } from "../../backend/src/commands/createUser.js";
import { User } from "../../backend/src/models/User.js";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail, uniqueMobile } from "../support/factories.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import { drain } from "../support/outbox.js";
import { enableTotp, signIn, withEnv } from "../support/auth.js";
import { ApiClient } from "../support/server.js";
import { totpCodeAt } from "../../backend/src/services/totp.js";
import { generateBackupCodes } from "../../backend/src/services/backupCodes.js";
import { startDelivery } from "../support/secondFactor.js";
import { hasHorizontalScroll, seriousAxeViolations, usePage } from "../support/browser.js";
import { outlookDialogHost, type DialogHostRecord } from "../support/fakeOffice.js";

interface HostItem {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  bodyHtml: string;
  attachments: Array<{ id: string; name: string; contentType: string; content: string }>;
}

interface HostState extends HostItem {
  sent: boolean;
  /** What the host sent with item.sendAsync: the item as it was at that moment. */
  outbox: HostItem[];
  dialogs: string[];
  calls: string[];
}

/**
 * The Outlook host, evaluated in the page before any script: the Office.js mailbox surface that
 * addin/src/office/adapter.ts uses (async callbacks on a later tick), Mailbox 1.15 (sendAsync),
 * no Office SSO, and dialogs in real popup windows (outlookDialogHost in test/support/fakeOffice.ts):
 * the sign-in dialog is the real /addin/signin.html.
 */
function outlookHost(init: { item: HostItem; displayLanguage: string; read: boolean; mailbox: number }): void {
  const state: HostState = { ...init.item, sent: false, outbox: [], dialogs: [], calls: [] };
  (window as unknown as { __outlook: HostState }).__outlook = state;
  type Cb<T> = (r: { status: number; value?: T; error?: { code: number; name: string; message: string } }) => void;
  const ok = <T>(cb: Cb<T>, value?: T, apply?: () => void, op?: string) =>
    setTimeout(() => {
      if (op) state.calls.push(op);
      apply?.();
      cb({ status: 0, value });
    }, 0);
  const details = (list: string[]) => list.map((e) => ({ emailAddress: e, displayName: e }));
  const recipients = (key: "to" | "cc" | "bcc") => ({
    getAsync: (cb: Cb<unknown>) => ok(cb, details(state[key])),
    addAsync: (list: Array<{ emailAddress: string }>, cb: Cb<void>) =>
      ok(cb, undefined, () => state[key].push(...list.map((r) => r.emailAddress))),
    setAsync: (list: Array<{ emailAddress: string }>, cb: Cb<void>) =>
      ok(cb, undefined, () => (state[key] = list.map((r) => r.emailAddress))),
  });
  const item = {
    to: recipients("to"),
    cc: recipients("cc"),
    bcc: recipients("bcc"),
    subject: {
      getAsync: (cb: Cb<string>) => ok(cb, state.subject),
      setAsync: (s: string, cb: Cb<void>) => ok(cb, undefined, () => (state.subject = s), "subject.setAsync"),
    },
    body: {
      getAsync: (_type: string, cb: Cb<string>) => ok(cb, state.bodyHtml),
      setAsync: (html: string, _o: unknown, cb: Cb<void>) =>
        ok(cb, undefined, () => (state.bodyHtml = html), "body.setAsync"),
    },
    getAttachmentsAsync: (cb: Cb<unknown>) =>
      ok(
        cb,
        state.attachments.map((a) => ({
          id: a.id,
          name: a.name,
          size: atob(a.content).length,
          attachmentType: "file",
          isInline: false,
          contentType: a.contentType,
        })),
      ),
    getAttachmentContentAsync: (id: string, cb: Cb<unknown>) =>
      ok(cb, { format: "base64", content: state.attachments.find((a) => a.id === id)?.content ?? "" }),
    removeAttachmentAsync: (id: string, cb: Cb<void>) =>
      ok(
        cb,
        undefined,
        () => (state.attachments = state.attachments.filter((a) => a.id !== id)),
        "removeAttachmentAsync",
      ),
    saveAsync: (cb: Cb<string>) => ok(cb, "AAMkDraft="),
    sendAsync: (cb: Cb<void>) =>
      ok(
        cb,
        undefined,
        () => {
          state.sent = true;
          const { to, cc, bcc, subject, bodyHtml, attachments } = state;
          state.outbox.push(JSON.parse(JSON.stringify({ to, cc, bcc, subject, bodyHtml, attachments })) as HostItem);
        },
        "sendAsync",
      ),
  };
  // Message Read: plain properties instead of async getters (how the adapter tells the modes apart).
  const readItem = {
    itemId: "AAMkRead=",
    to: details(state.to),
    cc: details(state.cc),
    subject: state.subject,
    body: { getAsync: (_type: string, cb: Cb<string>) => ok(cb, state.bodyHtml) },
    attachments: [],
    getAttachmentContentAsync: (_id: string, cb: Cb<unknown>) => ok(cb, { format: "base64", content: "" }),
  };
  const settings = new Map<string, unknown>();
  (window as unknown as { Office: unknown }).Office = {
    AsyncResultStatus: { Succeeded: 0, Failed: 1 },
    CoercionType: { Html: "html", Text: "text" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    onReady(cb?: (info: { host: string; platform: string }) => void) {
      return new Promise((resolve) =>
        setTimeout(() => {
          const info = { host: "Outlook", platform: "OfficeOnline" };
          cb?.(info);
          resolve(info);
        }, 0),
      );
    },
    context: {
      displayLanguage: init.displayLanguage,
      requirements: {
        isSetSupported: (name: string, v = "1.1") => name === "Mailbox" && Number(v.split(".")[1] ?? 0) <= init.mailbox,
      },
      roamingSettings: {
        get: (k: string) => settings.get(k),
        set: (k: string, v: unknown) => settings.set(k, v),
        remove: (k: string) => settings.delete(k),
        saveAsync: (cb?: Cb<void>) => cb && ok(cb),
      },
      ui: {
        displayDialogAsync(url: string, o: { width?: number; height?: number }, cb: Cb<unknown>) {
          state.dialogs.push(url);
          const dialogs = (window as unknown as { __outlookDialogs: { display(...a: unknown[]): void } })
            .__outlookDialogs;
          dialogs.display(url, o, cb);
        },
        messageParent() {
          throw new Error("messageParent is for dialog pages");
        },
      },
      mailbox: { item: init.read ? readItem : item },
    },
  };
}

/**
 * Opens the task pane in the in-test Outlook host. With `token`, the pane starts signed in (the
 * token it keeps in its localStorage, as after an earlier sign-in); with null it shows Sign in.
 */
async function openPane(
  page: Page,
  item: HostItem,
  token: string | null,
  displayLanguage = "sv-SE",
  errors: string[] = [],
  read = false,
  /** The newest Mailbox 1.x set this Outlook supports (15: sendAsync; 5: Outlook on iOS/Android). */
  mailbox = 15,
): Promise<void> {
  const context = page.context();
  // For the pane and its dialog popups alike: office.js from Microsoft's CDN answers empty.
  await context.route(`${officeJsOrigin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
  );
  // tsx compiles with keepNames: the serialised host functions call esbuild's __name helper.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await context.addInitScript(outlookDialogHost);
  await page.addInitScript(outlookHost, { item, displayLanguage, read, mailbox });
  if (token) {
    await page.addInitScript((t: string) => {
      if (location.pathname === "/addin/taskpane.html") localStorage.setItem("kuvert.addin.token", t);
    }, token);
  }
  await page.goto(`/addin/taskpane.html?mode=${read ? "read" : "compose"}`);
  await page
    .getByTestId(token ? "signed-in-as" : "sign-in")
    .waitFor({ timeout: 15_000 })
    .catch((err: Error) => {
      throw new Error(`the pane did not render: ${errors.join("; ") || err.message}`);
    });
}

const hostState = (page: Page) => page.evaluate(() => (window as unknown as { __outlook: HostState }).__outlook);

const sharedLinkPattern = /href="(http:\/\/kuvert\.test\/m\/([A-Za-z0-9_-]{43}))"/;

/** The shared link in the notification the pane made of the item, and the message it leads to. */
async function sharedLinkIn(bodyHtml: string): Promise<{ link: string; token: string; messageId: string }> {
  const found = sharedLinkPattern.exec(bodyHtml);
  expect(found, bodyHtml).to.not.equal(null);
  const message = await Message.findOne({ where: { sharedTokenHash: hashLinkToken(found![2]) } });
  expect(message, "the shared token is stored hashed").to.not.equal(null);
  return { link: found![1], token: found![2], messageId: message!.id };
}

async function issueToken(user: User): Promise<{ id: string; token: string }> {
  return transaction((t) => issueApiToken(t, user, "Outlook add-in (test)"));
}

async function apiToken(user: User): Promise<string> {
  return (await issueToken(user)).token;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every file of the SQLite database (with its journal) and of the blob store. */
function storedFiles(): string[] {
  const dbUrl = env().DATABASE_URL;
  const db = dbUrl.startsWith("sqlite:") ? dbUrl.slice("sqlite:".length) : null;
  const blobs = env().BLOB_STORE.startsWith("file:") ? env().BLOB_STORE.slice("file:".length) : null;
  const files = db ? [db, `${db}-wal`, `${db}-journal`].filter((f) => fs.existsSync(f)) : [];
  return [...files, ...(blobs ? filesUnder(blobs) : [])];
}

describe("Outlook add-in task pane (browser)", function () {
  this.timeout(90_000);
  const current = usePage({ viewport: { width: 360, height: 900 } });
  let sender: User;
  let alice: User;
  let bob: User;

  before(async function () {
    this.timeout(120_000);
    await ensureAddin();
    sender = await buildUser({ name: "Sara Sändare" });
    alice = await buildUser({ name: "Alice" });
    bob = await buildUser({ name: "Bob" });
  });

  it("Send securely: only ciphertext reaches the server; the item becomes the neutral notification; recipients read it", async () => {
    const { page, errors } = current();
    const marker = crypto.randomBytes(6).toString("hex");
    const subject = `Beslut om bistånd ${marker}`;
    const body = `Hej! Beslutet är fattat, ärende ${marker}-kropp.`;
    const file = Buffer.concat([Buffer.from(`bilaga ${marker} `), crypto.randomBytes(150_000)]);
    await openPane(
      page,
      {
        to: [alice.email],
        cc: [bob.email],
        bcc: [],
        subject,
        bodyHtml: `<p>${body}</p>`,
        attachments: [
          {
            id: "att-1",
            name: `beslut-${marker}.pdf`,
            contentType: "application/pdf",
            content: file.toString("base64"),
          },
        ],
      },
      await apiToken(sender),
      "sv-SE",
      errors,
    );
    await page.getByTestId("recipients").getByText(alice.email, { exact: false }).waitFor();
    // A file picked in the pane itself (beyond Outlook's attachment limit), and one security function.
    const big = Buffer.concat([Buffer.from(`stor ${marker} `), crypto.randomBytes(300_000)]);
    // Through the pane's own button, as a user picks: it opens the browser's file chooser.
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Lägg till stora filer" }).click();
    await (
      await chooser
    ).setFiles({ name: `journal-${marker}.bin`, mimeType: "application/octet-stream", buffer: big });
    await page.getByRole("switch", { name: "Läskvitto" }).click();
    await page.getByTestId("send-securely").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("upload-progress").count()).to.equal(2);

    const host = await hostState(page);
    expect(host.sent, "sent with item.sendAsync").to.equal(true);
    expect(host.subject).to.equal("Du har fått ett säkert meddelande");
    expect(host.subject).not.to.contain(marker);
    expect(host.bodyHtml).not.to.contain(marker);
    const { messageId } = await sharedLinkIn(host.bodyHtml);
    expect(host.attachments).to.deep.equal([]);

    // At rest: neither the subject, the body nor the attachment's bytes, anywhere.
    const needles = [
      Buffer.from(subject),
      Buffer.from(marker),
      file.subarray(0, 64),
      file.subarray(100_000, 100_064),
      big.subarray(200_000, 200_064),
    ];
    const files = storedFiles();
    expect(files.length).to.be.greaterThan(0);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${path.basename(f)} holds plaintext`).to.equal(false);
    }

    // Both recipients read it with their own keys, attachment included.
    for (const reader of [alice, bob]) {
      const api = await signIn(reader);
      const got = await api.get<{
        subject: string;
        html: string | null;
        text: string | null;
        options: { readReceipt: boolean };
        attachments: Array<{ id: string; name: string; size: number }>;
      }>(`/api/messages/${messageId}`);
      expect(got.status, got.text).to.equal(200);
      expect(got.body.subject).to.equal(subject);
      expect(got.body.html ?? got.body.text ?? "").to.contain(`${marker}-kropp`);
      expect(got.body.options.readReceipt).to.equal(true);
      expect(got.body.attachments.map((a) => [a.name, a.size])).to.deep.equal([
        [`beslut-${marker}.pdf`, file.length],
        [`journal-${marker}.bin`, big.length],
      ]);
      for (const [i, expected] of [file, big].entries()) {
        const res = await fetch(`${api.baseUrl}/api/messages/${messageId}/attachments/${got.body.attachments[i].id}`, {
          headers: { Cookie: api.cookieHeader() },
        });
        expect(res.status).to.equal(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(expected)).to.equal(true);
      }
    }
    expect(errors).to.deep.equal([]);
  });

  it("one e-mail per recipient: the Outlook item; its one link lets each recipient in on the real recipient page", async () => {
    const { page, baseUrl, errors } = current();
    const delivery = await startDelivery();
    try {
      const stranger = uniqueEmail("ny-mottagare");
      const mobile = uniqueMobile();
      const marker = crypto.randomBytes(6).toString("hex");
      await openPane(
        page,
        {
          to: [stranger],
          cc: [alice.email],
          bcc: [],
          subject: `Ärende ${marker}`,
          bodyHtml: `<p>Innehåll ${marker}</p>`,
          attachments: [],
        },
        await apiToken(sender),
        "sv-SE",
        errors,
      );
      expect(await page.getByTestId("compose-fallback").count(), "this Outlook sends the item").to.equal(0);
      await page.getByTestId("send-securely").click();
      await page.getByLabel(stranger, { exact: false }).fill(mobile);
      await page.getByTestId("send-securely").click();
      const done = page.getByTestId("send-done");
      await done.waitFor({ timeout: 30_000 });
      expect(await done.textContent()).to.contain("Mottagarna fick Outlook-mejlet som sin avisering");
      await page.screenshot({ path: "/tmp/addin-pane-sent-sv.png", fullPage: true });

      const host = await hostState(page);
      expect(host.outbox, "the pane sent the item once").to.have.length(1);
      const item = host.outbox[0];
      expect(item.subject).to.equal("Du har fått ett säkert meddelande");
      expect(item.bodyHtml).to.not.contain(marker);
      expect(item.attachments).to.deep.equal([]);
      const { link, messageId } = await sharedLinkIn(item.bodyHtml);
      // Kuvert itself e-mails nobody: each recipient's one e-mail is the Outlook item.
      await drain(delivery.worker);
      for (const who of [stranger, alice.email]) {
        const fromOutlook = host.outbox.filter((m) => [...m.to, ...m.cc, ...m.bcc].includes(who)).length;
        const fromKuvert = delivery.smtp.mails.filter((m) => m.envelopeTo.includes(who)).length;
        expect({ who, fromOutlook, fromKuvert }).to.deep.equal({ who, fromOutlook: 1, fromKuvert: 0 });
      }

      // The first-time recipient opens the item's link: address, SMS code, password → the message.
      const visitor = await page.context().browser()!.newContext({ baseURL: baseUrl });
      try {
        const r = await visitor.newPage();
        await r.goto(link.replace("http://kuvert.test", baseUrl));
        await r.getByTestId("recipient-email").fill(uniqueEmail("obehorig"));
        await r.getByTestId("recipient-next").click();
        await r.getByText("Det är inte adressen som meddelandet skickades till", { exact: false }).waitFor();
        await r.getByTestId("recipient-email").fill(stranger);
        await r.getByTestId("recipient-next").click();
        await r.getByTestId("recipient-code").waitFor();
        const code = await delivery.smsCode(mobile);
        await r.getByTestId("recipient-code").fill(code);
        await r.getByTestId("recipient-verify").click();
        await r.getByTestId("recipient-password").fill("Vinterdag-2026");
        await r.getByText("Jag godkänner Kuverts användarvillkor").click();
        await r.getByTestId("recipient-register").click();
        await r.waitForURL(new RegExp(`/mailbox/inbox/${messageId}$`));
        await r
          .getByTestId("message-subject")
          .filter({ hasText: `Ärende ${marker}` })
          .waitFor();
        // The account holder through the same link: sent to sign in.
        const k = await (await page.context().browser()!.newContext({ baseURL: baseUrl })).newPage();
        await k.goto(link.replace("http://kuvert.test", baseUrl));
        await k.getByTestId("recipient-email").fill(alice.email);
        await k.getByTestId("recipient-next").click();
        await k.getByTestId("recipient-sign-in").waitFor();
        await k.context().close();
        // Alice reads the Outlook item in the read pane: its shared link leads to the message.
        const created = await (
          await signIn(alice)
        ).post<{ token: string }>("/api/account/tokens", { label: "Outlook", password: defaultPassword });
        expect(created.status, created.text).to.equal(201);
        const reader = await page.context().newPage();
        // PUBLIC_URL is kuvert.test in tests; the pane's server is the test server.
        const received = { ...item, bodyHtml: item.bodyHtml.replaceAll("http://kuvert.test", baseUrl) };
        await openPane(reader, received, created.body.token, "sv-SE", errors, true);
        await reader.getByTestId("read-message").waitFor();
        expect(await reader.getByTestId("read-subject").textContent()).to.equal(`Ärende ${marker}`);
        expect(await reader.getByTestId("open-in-mailbox").getAttribute("href")).to.equal(
          `${baseUrl}/mailbox/inbox/${messageId}`,
        );
        await reader.close();
      } finally {
        await visitor.close();
      }
      expect(errors.filter((e) => !e.includes("422"))).to.deep.equal([]); // 422: mobile_required, asked once
    } finally {
      await delivery.close();
    }
  });

  it("an Outlook without Mailbox 1.15: the pane says Kuvert notifies the recipients, and it does; the item is not sent", async () => {
    const { page, errors } = current();
    const delivery = await startDelivery();
    try {
      await openPane(
        page,
        { to: [alice.email], cc: [], bcc: [], subject: "Äldre Outlook", bodyHtml: "<p>Hej</p>", attachments: [] },
        await apiToken(sender),
        "en-US",
        errors,
        false,
        14,
      );
      const notice = page.getByTestId("compose-fallback");
      await notice.waitFor();
      expect(await notice.textContent()).to.contain("Kuvert will e-mail the recipients a notification itself");
      await page.screenshot({ path: "/tmp/addin-pane-fallback-en.png", fullPage: true });
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      await page.getByTestId("send-securely").click();
      const done = page.getByTestId("send-done");
      await done.waitFor({ timeout: 30_000 });
      expect(await done.textContent()).to.contain("Kuvert has e-mailed the recipients");
      await page.screenshot({ path: "/tmp/addin-pane-fallback-done-en.png", fullPage: true });
      const host = await hostState(page);
      expect(host.sent).to.equal(false);
      expect(host.outbox).to.deep.equal([]);
      expect(host.bodyHtml).to.not.match(/\/m\//);
      const mail = await delivery.mailTo(alice.email, /säkert meddelande|secure message/i);
      expect(mail.text).to.match(/\/r\/[A-Za-z0-9_-]{43}/);
      expect(errors).to.deep.equal([]);
    } finally {
      await delivery.close();
    }
  });

  it("the organisation's subject rule forbids the subject: the pane says why and Send securely stays off", async () => {
    const { page, errors } = current();
    const org = await buildOrganisation();
    await Organisation.update(
      { policy: { subjectRule: { mode: "forbid", keywords: ["Projekt Falken"] } } },
      { where: { id: org.id } },
    );
    const member = await buildUser({ organisation: org, name: "Fia Förbjuden" });
    await openPane(
      page,
      {
        to: [alice.email],
        cc: [],
        bcc: [],
        subject: "Möte om projekt falken",
        bodyHtml: "<p>Hej</p>",
        attachments: [],
      },
      await apiToken(member),
      "sv-SE",
      errors,
    );
    await page
      .getByTestId("subject-warning")
      .getByText(/Din organisation tillåter inte/)
      .waitFor();
    expect(await page.getByTestId("send-securely").isDisabled()).to.equal(true);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });

  it("an attachment added while the message is being sent: the notification waits until the user removes it", async () => {
    const { page, errors } = current();
    const item: HostItem = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Sen bilaga",
      bodyHtml: "<p>Hej</p>",
      attachments: [
        { id: "a", name: "a.txt", contentType: "text/plain", content: Buffer.from("abc").toString("base64") },
      ],
    };
    await openPane(page, item, await apiToken(sender), "sv-SE", errors);
    await page.route("**/api/messages", async (route) => {
      if (route.request().method() === "POST")
        await page.evaluate(() =>
          (window as unknown as { __outlook: HostState }).__outlook.attachments.push({
            id: "late",
            name: "sen.pdf",
            contentType: "application/pdf",
            content: btoa("klartext"),
          }),
        );
      await route.continue();
    });
    await page.getByTestId("send-securely").click();
    const error = page.getByTestId("send-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).to.contain("mottagarna har inte aviserats än");
    await page.screenshot({ path: "/tmp/addin-pane-attachment-added-sv.png", fullPage: true });
    let host = await hostState(page);
    expect(host.calls, "the item is untouched").to.deep.equal([]);
    expect(host.attachments.map((a) => a.id)).to.deep.equal(["a", "late"]);
    // Still there: pressing the button stops again.
    await page.getByTestId("finish-notification").click();
    await page.getByTestId("send-error").filter({ hasText: "sen.pdf" }).waitFor();
    expect((await hostState(page)).sent).to.equal(false);
    // The user removes it in Outlook; now the notification goes.
    await page.evaluate(() => {
      const o = (window as unknown as { __outlook: HostState }).__outlook;
      o.attachments = o.attachments.filter((a) => a.id !== "late");
    });
    await page.getByTestId("finish-notification").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
    host = await hostState(page);
    expect(host.outbox).to.have.length(1);
    expect(host.outbox[0].attachments).to.deep.equal([]);
    await sharedLinkIn(host.outbox[0].bodyHtml);
    expect(errors).to.deep.equal([]);
  });

  it("an unknown recipient: the pane asks once for the mobile number, then sends", async () => {
    const { page } = current();
    const stranger = uniqueEmail("ny");
    const account = await signIn(sender);
    expect((await account.patch("/api/account", { signature: "Sara\nKuvert & Co" })).status).to.equal(200);
    await openPane(
      page,
      { to: [alice.email, stranger], cc: [], bcc: [], subject: "Hej", bodyHtml: "<p>Hej</p>", attachments: [] },
      await apiToken(sender),
      "en-US",
    );
    await page.getByTestId("send-securely").click();
    const field = page.getByLabel(`Mobile number for ${stranger}`);
    await field.waitFor();
    expect(await page.getByTestId("send-error").textContent()).to.contain("mobile numbers");
    let host = await hostState(page);
    expect(host.calls, "nothing changed in Outlook").to.deep.equal([]);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await hasHorizontalScroll(page), "fits a 360 px task pane").to.equal(false);
    // F5: the standard text and the personal signature go into the Outlook body.
    await page.getByTestId("insert-standard").click();
    await page.waitForFunction(() =>
      (window as unknown as { __outlook: HostState }).__outlook.bodyHtml.includes("switching to secure e-mail"),
    );
    await page.getByTestId("insert-signature").click();
    await page.waitForFunction(() =>
      (window as unknown as { __outlook: HostState }).__outlook.bodyHtml.includes("Kuvert &amp; Co"),
    );
    host = await hostState(page);
    expect(host.bodyHtml).to.equal(
      "<p>Hej</p><p>This conversation contains sensitive information, so I am switching to secure e-mail. You will get a message with a link and an SMS code to read it.</p><p>Sara<br>Kuvert &amp; Co</p>",
    );
    await field.fill("+46701234567");
    await page.getByTestId("send-securely").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
    host = await hostState(page);
    expect(host.subject).to.equal("You have received a secure message");
    expect(host.sent).to.equal(true);
  });

  it("over the plan's quota: a clear error, and the Outlook item is untouched", async () => {
    const { page } = current();
    const org = await transaction((t) =>
      createOrganisation(t, { name: `Pro ${crypto.randomBytes(4).toString("hex")}`, plan: "professional" }),
    );
    await org.update({ policy: { ...org.policy, messages: { forced: ["idCheck"], defaults: { readReceipt: true } } } });
    const pro = await buildUser({ organisation: org });
    const rows = Array.from({ length: PROFESSIONAL_MONTHLY_MESSAGES }, () => {
      const id = crypto.randomUUID();
      return {
        id,
        threadId: id,
        parentId: null,
        senderId: pro.id,
        organisationId: org.id,
        content: null,
        expiresAt: null,
        state: "shredded" as const,
      };
    });
    for (let i = 0; i < rows.length; i += 250) await Message.bulkCreate(rows.slice(i, i + 250));
    const item: HostItem = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Kvot",
      bodyHtml: "<p>Över kvoten</p>",
      attachments: [
        { id: "a", name: "a.txt", contentType: "text/plain", content: Buffer.from("abc").toString("base64") },
      ],
    };
    await openPane(page, item, await apiToken(pro));
    // The organisation's policy: ID check forced on, read receipt on by default.
    const idCheck = page.getByRole("switch", { name: "ID-kontroll (SMS-kod)" });
    await page.waitForFunction(() => document.querySelector('[role="switch"][aria-checked="true"][disabled]') !== null);
    expect(await idCheck.isChecked()).to.equal(true);
    expect(await idCheck.isDisabled()).to.equal(true);
    expect(await page.getByRole("switch", { name: "Läskvitto" }).isChecked()).to.equal(true);
    expect(await page.getByRole("switch", { name: "Bränn efter läsning" }).isChecked()).to.equal(false);
    await page.getByTestId("send-securely").click();
    const error = page.getByTestId("send-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).to.contain("Din plan tillåter inte fler meddelanden");
    const host = await hostState(page);
    expect(host.calls).to.deep.equal([]);
    expect({
      subject: host.subject,
      bodyHtml: host.bodyHtml,
      attachments: host.attachments,
      sent: host.sent,
    }).to.deep.equal({
      subject: item.subject,
      bodyHtml: item.bodyHtml,
      attachments: item.attachments,
      sent: false,
    });
  });

  it("an attachment added in Outlook during the upload stops the send with a clear text; the item is untouched", async () => {
    const { page, errors } = current();
    const item: HostItem = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Med bilaga",
      bodyHtml: "<p>Se bilagan</p>",
      attachments: [
        { id: "a", name: "a.txt", contentType: "text/plain", content: Buffer.from("abc").toString("base64") },
      ],
    };
    await openPane(page, item, await apiToken(sender), "sv-SE", errors);
    // The user drops another file into the Outlook draft while the first one is uploading.
    await page.route("**/ciphertext", async (route) => {
      await page.evaluate(() =>
        (window as unknown as { __outlook: HostState }).__outlook.attachments.push({
          id: "late",
          name: "sen.pdf",
          contentType: "application/pdf",
          content: btoa("klartext"),
        }),
      );
      await route.continue();
    });
    await page.getByTestId("send-securely").click();
    const error = page.getByTestId("send-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).to.contain("En bilaga lades till i Outlook medan Kuvert skickade (sen.pdf)");
    const host = await hostState(page);
    expect(host.calls, "nothing changed in Outlook").to.deep.equal([]);
    expect(host.sent).to.equal(false);
    expect(host.subject).to.equal("Med bilaga");
    expect(host.attachments.map((a) => a.id)).to.deep.equal(["a", "late"]);
  });

  it("offline, then an expired sign-in: clear errors, and the Outlook item is untouched", async () => {
    const { page, errors } = current();
    const item: HostItem = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Utkast",
      bodyHtml: "<p>Mitt utkast</p>",
      attachments: [],
    };
    const issued = await issueToken(sender);
    await openPane(page, item, issued.token, "sv-SE", errors);
    await page.route("**/api/keys/lookup", (route) => route.abort("internetdisconnected"));
    await page.getByTestId("send-securely").click();
    const error = page.getByTestId("send-error");
    await error.waitFor();
    expect(await error.textContent()).to.contain("Ingen kontakt med Kuvert");
    await page.unroute("**/api/keys/lookup");
    await transaction((t) => revokeApiToken(t, sender.id, issued.id));
    await page.getByTestId("send-securely").click();
    await page.getByTestId("session-expired").waitFor();
    expect(await page.getByTestId("session-expired").textContent()).to.contain("Din inloggning har gått ut");
    await page.getByTestId("sign-in").waitFor();
    const host = await hostState(page);
    expect(host.calls).to.deep.equal([]);
    expect({ subject: host.subject, bodyHtml: host.bodyHtml, sent: host.sent }).to.deep.equal({
      subject: item.subject,
      bodyHtml: item.bodyHtml,
      sent: false,
    });
  });

  it("read pane: with a key-less token (Microsoft sign-in) it asks for the Kuvert password (Swedish) and still links to the secure mailbox", async () => {
    const { page, baseUrl, errors } = current();
    const api = await signIn(sender);
    const sent = await api.post<{ id: string }>("/api/messages", {
      to: [{ email: alice.email }],
      subject: "Läs i Outlook",
      body: "innehåll",
    });
    expect(sent.status, sent.text).to.equal(201);
    const link = `${baseUrl}/mailbox/inbox/${sent.body.id}`;
    const notification = `<p>Du har fått ett säkert meddelande.</p><p><a href="${link}">Läs meddelandet</a></p>`;
    const token = await apiToken(alice);
    // What the pane meets: the API cannot decrypt for a key-less bearer token.
    const direct = await fetch(`${baseUrl}/api/messages/${sent.body.id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(direct.status).to.equal(403);
    expect(((await direct.json()) as { error: string }).error).to.equal("keys_locked");
    const item = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Du har fått ett säkert meddelande",
      bodyHtml: notification,
      attachments: [],
    };
    await openPane(page, item, token, "sv-SE", errors, true);
    const form = page.getByTestId("unlock-form");
    await form.waitFor();
    expect(await form.textContent()).to.contain("Lås upp dina meddelanden");
    expect(await page.getByTestId("open-in-mailbox").getAttribute("href")).to.equal(link);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await hasHorizontalScroll(page)).to.equal(false);
    await page.getByTestId("unlock-password").fill("Fel7losenord");
    await page.getByTestId("unlock-submit").click();
    await page.getByTestId("unlock-error").filter({ hasText: "Lösenordet stämmer inte" }).waitFor();
    await page.getByTestId("unlock-password").fill(defaultPassword);
    await page.getByTestId("unlock-submit").click();
    await page.getByTestId("read-message").waitFor();
    expect(await page.getByTestId("read-body").textContent()).to.equal("innehåll");
    expect(errors.filter((e) => !e.includes("403"))).to.deep.equal([]);
  });

  it("read pane unlock (English): a rate limit and a locked account are said plainly, with the way out", async () => {
    const { page, baseUrl, errors } = current();
    const reader = await buildUser({ name: "Lena Låst" });
    const sent = await (
      await signIn(sender)
    ).post<{ id: string }>("/api/messages", { to: [{ email: reader.email }], subject: "Låst", body: "innehåll" });
    expect(sent.status, sent.text).to.equal(201);
    const link = `${baseUrl}/mailbox/inbox/${sent.body.id}`;
    const item = {
      to: [reader.email],
      cc: [],
      bcc: [],
      subject: "You have received a secure message",
      bodyHtml: `<p><a href="${link}">Read the message</a></p>`,
      attachments: [],
    };
    await openPane(page, item, await apiToken(reader), "en-US", errors, true);
    await page.getByTestId("unlock-form").waitFor();
    await withEnv({ RATE_LIMIT_TOKEN_UNLOCK_USER_POINTS: 1 }, async () => {
      await page.getByTestId("unlock-password").fill("Wrong7password");
      await page.getByTestId("unlock-submit").click();
      await page.getByTestId("unlock-error").filter({ hasText: "The password is not right" }).waitFor();
      await page.getByTestId("unlock-password").fill(defaultPassword);
      await page.getByTestId("unlock-submit").click();
      await page.getByTestId("unlock-error").filter({ hasText: "Too many attempts. Try again in" }).waitFor();
    });
    // Locked meanwhile (e.g. by wrong sign-ins elsewhere): even the right password is refused.
    await User.update({ lockedAt: new Date(), lockUntil: null }, { where: { id: reader.id } });
    await page.getByTestId("unlock-password").fill(defaultPassword);
    await page.getByTestId("unlock-submit").click();
    const locked = page.getByTestId("unlock-error").filter({ hasText: "The account is locked" });
    await locked.waitFor();
    expect(await locked.getByRole("link").getAttribute("href")).to.equal(`${baseUrl}/forgot-password`);
    expect(await page.getByTestId("read-message").count()).to.equal(0);
    expect(errors.filter((e) => !/40[13]|423|429/.test(e))).to.deep.equal([]);
  });

  it("read pane: an account without a Kuvert password is told to choose one (with the link), in English", async () => {
    const { page, baseUrl, errors } = current();
    const org = await buildOrganisation();
    const nopass = await transaction((t) =>
      createUser(t, { organisation: org, email: uniqueEmail("nopass"), mobile: uniqueMobile(), name: "Utan lösenord" }),
    );
    const api = await signIn(sender);
    const sent = await api.post<{ id: string }>("/api/messages", {
      to: [{ email: nopass.email }],
      subject: "Utan lösenord",
      body: "innehåll",
    });
    expect(sent.status, sent.text).to.equal(201);
    const real = `${baseUrl}/mailbox/inbox/${sent.body.id}`;
    const again = page;
    await openPane(
      again,
      {
        to: [nopass.email],
        cc: [],
        bcc: [],
        subject: "You have received a secure message",
        bodyHtml: `<p><a href="${real}">Read the message</a></p>`,
        attachments: [],
      },
      await apiToken(nopass),
      "en-US",
      errors,
      true,
    );
    const box = again.getByTestId("unlock-no-password");
    await box.waitFor();
    expect(await box.textContent()).to.contain("You have no Kuvert password yet");
    expect(await again.getByTestId("unlock-set-password").getAttribute("href")).to.equal(`${baseUrl}/forgot-password`);
    expect(await again.getByTestId("unlock-form").count()).to.equal(0);
    expect(await seriousAxeViolations(again)).to.deep.equal([]);
    expect(errors.filter((e) => !e.includes("403"))).to.deep.equal([]);
  });

  it("read pane: a token from the Kuvert sign-in carries the key: the pane shows the decrypted message, downloads the attachment, replies", async () => {
    const { page, baseUrl, errors } = current();
    const senderApi = await signIn(sender);
    const draft = await senderApi.post<{ id: string }>("/api/messages/drafts", {});
    const file = Buffer.from("Hemlig bilaga för Outlook");
    const up = await senderApi.request("POST", `/api/messages/${draft.body.id}/attachments`, new Uint8Array(file), {
      "Content-Type": "text/plain",
      "X-File-Name": encodeURIComponent("beslut.txt"),
    });
    expect(up.status, up.text).to.equal(201);
    const sent = await senderApi.post<{ id: string }>("/api/messages", {
      draftId: draft.body.id,
      to: [{ email: alice.email }],
      subject: "Läs i Outlook nu",
      body: "Dekrypterad i tillägget",
    });
    expect(sent.status, sent.text).to.equal(201);
    // The Kuvert sign-in dialog's path: a full password sign-in creates the token with that password.
    const created = await (
      await signIn(alice)
    ).post<{ token: string }>("/api/account/tokens", {
      label: "Outlook",
      password: defaultPassword,
    });
    expect(created.status, created.text).to.equal(201);
    const link = `${baseUrl}/mailbox/inbox/${sent.body.id}`;
    const notification = `<p>Du har fått ett säkert meddelande.</p><p><a href="${link}">Läs meddelandet</a></p>`;
    await openPane(
      page,
      {
        to: [alice.email],
        cc: [],
        bcc: [],
        subject: "Du har fått ett säkert meddelande",
        bodyHtml: notification,
        attachments: [],
      },
      created.body.token,
      "sv-SE",
      errors,
      true,
    );
    await page.getByTestId("read-message").waitFor();
    expect(await page.getByTestId("read-subject").textContent()).to.equal("Läs i Outlook nu");
    expect(await page.getByTestId("read-body").textContent()).to.equal("Dekrypterad i tillägget");
    expect(await page.getByTestId("read-message").textContent()).to.contain(sender.email);
    expect(await page.getByTestId("open-in-mailbox").getAttribute("href")).to.equal(link);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Ladda ned beslut.txt" }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal("beslut.txt");
    expect(fs.readFileSync(await download.path()).equals(file)).to.equal(true);

    await page.getByLabel("Ditt svar").fill("Tack, jag har läst.");
    await page.getByTestId("reply-send").click();
    await page.getByTestId("read-notice").filter({ hasText: "skickats säkert" }).waitFor();
    const thread = await senderApi.get<{ messages: Array<{ subject: string; text: string | null }> }>(
      `/api/messages/${sent.body.id}/thread`,
    );
    expect(thread.status, thread.text).to.equal(200);
    expect(thread.body.messages.map((m) => m.text)).to.include("Tack, jag har läst.");
    expect(errors).to.deep.equal([]);
  });

  it("an Outlook with only Mailbox 1.5 (mobile): reading works, composing says it needs a newer Outlook", async () => {
    const { page, errors } = current();
    const token = await apiToken(alice);
    const item: HostItem = {
      to: [alice.email],
      cc: [],
      bcc: [],
      subject: "Lunch?",
      bodyHtml: "<p>Hej</p>",
      attachments: [],
    };
    await openPane(page, item, token, "en-US", errors, true, 5);
    await page.getByTestId("read-none").waitFor();
    const compose = await page.context().newPage();
    await openPane(compose, item, token, "en-US", errors, false, 5);
    const warning = compose.getByTestId("compose-unsupported");
    await warning.waitFor();
    expect(await warning.textContent()).to.contain("cannot encrypt and send from the Kuvert add-in");
    expect(await compose.getByTestId("send-securely").count()).to.equal(0);
    expect(errors).to.deep.equal([]);
  });

  it("read pane: an ordinary e-mail is not a Kuvert notification", async () => {
    const { page, errors } = current();
    await openPane(
      page,
      {
        to: [alice.email],
        cc: [],
        bcc: [],
        subject: "Lunch?",
        bodyHtml: `<p><a href="https://example.com/r/abc">länk</a></p>`,
        attachments: [],
      },
      await apiToken(alice),
      "en-US",
      errors,
      true,
    );
    await page.getByTestId("read-none").waitFor();
  });
});

describe("Outlook add-in: the Kuvert sign-in page in a real dialog window (browser)", function () {
  this.timeout(90_000);
  const current = usePage({ viewport: { width: 360, height: 900 } });
  let alice: User;
  const draft = (to: string[]): HostItem => ({
    to,
    cc: [],
    bcc: [],
    subject: "Inloggad via dialogen",
    bodyHtml: "<p>Hej</p>",
    attachments: [],
  });

  before(async function () {
    this.timeout(120_000);
    await ensureAddin();
    alice = await buildUser({ name: "Alice" });
  });

  /** Presses Sign in in the pane and returns the dialog's popup window once its page has rendered. */
  async function openDialog(page: Page, popupErrors: string[]): Promise<Page> {
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("sign-in").click()]);
    popup.on("pageerror", (err) => popupErrors.push(`pageerror: ${err.message}`));
    popup.on("console", (msg) => {
      if (msg.type() === "error") popupErrors.push(`console: ${msg.text()}`);
    });
    await popup.getByTestId("dialog-email").waitFor({ timeout: 15_000 });
    expect(new URL(popup.url()).pathname).to.equal("/addin/signin.html");
    return popup;
  }

  async function enterPassword(popup: Page, email: string, password: string, sv = true): Promise<void> {
    await popup.getByLabel(sv ? "E-postadress" : "E-mail address").fill(email);
    await popup.getByLabel(sv ? "Lösenord" : "Password").fill(password);
    await popup.getByTestId("dialog-submit").click();
  }

  const paneToken = (page: Page) => page.evaluate(() => localStorage.getItem("kuvert.addin.token"));

  it("password + authenticator code: the pane gets a key-carrying API token, the dialog's session ends, and the pane sends", async () => {
    const { page, baseUrl, errors } = current();
    const user = await buildUser({ name: "Dialog Användare" });
    const secret = await enableTotp(user);
    await transaction((t) => generateBackupCodes(t, user.id));
    const popupErrors: string[] = [];
    await openPane(page, draft([alice.email]), null, "sv-SE", errors);
    const popup = await openDialog(page, popupErrors);
    await popup.screenshot({ path: "/tmp/addin-signin-sv-password.png" });
    expect(await hasHorizontalScroll(popup), "fits a 360 px dialog").to.equal(false);
    expect(await seriousAxeViolations(popup)).to.deep.equal([]);
    await enterPassword(popup, user.email, defaultPassword);
    await popup.getByRole("heading", { name: "Tvåstegsverifiering" }).waitFor();
    // Authenticator app, SMS and one-time code are on offer; the app is chosen first.
    expect(await popup.getByRole("radio", { name: "Kod från appen" }).isChecked()).to.equal(true);
    expect(await popup.getByRole("radio", { name: "Kod via SMS" }).count()).to.equal(1);
    expect(await popup.getByRole("radio", { name: "Engångskod" }).count()).to.equal(1);
    await popup.screenshot({ path: "/tmp/addin-signin-sv-code.png" });
    expect(await paneToken(page), "no token before the second factor").to.equal(null);
    await popup.getByTestId("dialog-code").fill(totpCodeAt(secret, Date.now() / 1000));
    const closed = popup.waitForEvent("close", { timeout: 30_000 });
    await popup.getByTestId("dialog-verify").click();
    await closed; // the pane closes the dialog when the token has arrived

    await page.getByTestId("signed-in-as").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("signed-in-as").textContent()).to.contain(user.email);
    const token = await paneToken(page);
    expect(token).to.match(/^kvt_/);
    const host = await hostState(page);
    expect(host.dialogs).to.deep.equal([`${baseUrl}/addin/signin.html`]);
    const dialogs = await page.evaluate(
      () => (window as unknown as { __outlookDialogs: DialogHostRecord }).__outlookDialogs,
    );
    expect(dialogs.refused, "messageParent named the pane's origin").to.deep.equal([]);
    // The browser session the dialog used to mint the token is gone.
    const session = await page.evaluate(async () => (await fetch("/api/auth/session")).json());
    expect(session).to.deep.equal({ state: "signed_out" });

    await page.getByTestId("send-securely").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
    const sent = await hostState(page);
    expect(sent.sent).to.equal(true);
    const { messageId } = await sharedLinkIn(sent.bodyHtml);
    // The token carries the unlocked key: the sender's own copy opens with it.
    const own = await fetch(`${baseUrl}/api/messages/${messageId}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(own.status).to.equal(200);
    expect(((await own.json()) as { subject: string }).subject).to.equal("Inloggad via dialogen");
    expect(errors).to.deep.equal([]);
    expect(popupErrors).to.deep.equal([]);
  });

  it("an SMS code, then (after signing out in the pane) a one-time code: each gives the pane a token", async () => {
    const { page, baseUrl, errors } = current();
    const user = await buildUser();
    await enableTotp(user);
    const [backupCode] = await transaction((t) => generateBackupCodes(t, user.id));
    const delivery = await startDelivery();
    const popupErrors: string[] = [];
    try {
      await openPane(page, draft([alice.email]), null, "en-US", errors);
      let popup = await openDialog(page, popupErrors);
      await enterPassword(popup, user.email, defaultPassword, false);
      await popup.getByRole("radio", { name: "Code by SMS" }).check();
      await popup.getByTestId("dialog-send-sms").click();
      await popup.getByTestId("dialog-sms-sent").waitFor();
      expect(await popup.getByTestId("dialog-sms-sent").textContent()).to.match(/^The code was sent to .*\d{2}\.$/);
      await popup.screenshot({ path: "/tmp/addin-signin-en-sms.png" });
      await popup.getByTestId("dialog-code").fill(await delivery.smsCode(user.mobile!));
      let closed = popup.waitForEvent("close", { timeout: 30_000 });
      await popup.getByTestId("dialog-verify").click();
      await closed;
      await page.getByTestId("signed-in-as").waitFor({ timeout: 15_000 });
      const first = await paneToken(page);
      expect(first).to.match(/^kvt_/);

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByTestId("sign-in").waitFor();
      // Signing out revoked the token on the server, not only in the pane's storage.
      const stillValid = async () =>
        (await fetch(`${baseUrl}/api/auth/me`, { headers: { Authorization: `Bearer ${first}` } })).status;
      for (let i = 0; i < 50 && (await stillValid()) !== 401; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await stillValid()).to.equal(401);
      popup = await openDialog(page, popupErrors);
      await enterPassword(popup, user.email, defaultPassword, false);
      await popup.getByRole("radio", { name: "One-time code" }).check();
      await popup.getByTestId("dialog-code").fill(backupCode);
      closed = popup.waitForEvent("close", { timeout: 30_000 });
      await popup.getByTestId("dialog-verify").click();
      await closed;
      await page.getByTestId("signed-in-as").waitFor({ timeout: 15_000 });
      const second = await paneToken(page);
      expect(second).to.match(/^kvt_/);
      expect(second).not.to.equal(first);
      expect(popupErrors).to.deep.equal([]);
    } finally {
      await delivery.close();
    }
  });

  it("a wrong password: the dialog says so and stays open; closing it leaves the pane signed out", async () => {
    const { page, errors } = current();
    const user = await buildUser();
    const popupErrors: string[] = [];
    await openPane(page, draft([alice.email]), null, "sv-SE", errors);
    const popup = await openDialog(page, popupErrors);
    await enterPassword(popup, user.email, "Fel-lösenord-1");
    const error = popup.getByTestId("dialog-error");
    await error.waitFor();
    expect(await error.textContent()).to.contain("E-postadressen eller lösenordet stämmer inte");
    expect(await paneToken(page)).to.equal(null);
    await popup.close();
    await page.getByText("Inloggningen avbröts.").waitFor();
    expect(await page.getByTestId("signed-in-as").count()).to.equal(0);
    expect(await paneToken(page)).to.equal(null);
    expect(popupErrors.filter((e) => !e.includes("401"))).to.deep.equal([]);
  });

  it("a locked account (English): the locked text and the way out, no token", async () => {
    const { page, errors } = current();
    const user = await buildUser();
    const api = await ApiClient.create();
    for (let i = 0; i < 3; i++) await api.post("/api/auth/login", { email: user.email, password: `Wrong-${i}-pass` });
    const popupErrors: string[] = [];
    await openPane(page, draft([alice.email]), null, "en-US", errors);
    const popup = await openDialog(page, popupErrors);
    await popup.getByRole("heading", { name: "Sign in to Kuvert" }).waitFor();
    await popup.screenshot({ path: "/tmp/addin-signin-en-password.png" });
    await enterPassword(popup, user.email, defaultPassword, false);
    const locked = popup.getByTestId("dialog-locked");
    await locked.waitFor();
    const lockedBar = popup.locator(".ms-MessageBar").filter({ has: locked });
    expect(await lockedBar.locator(".ms-MessageBar-icon svg").count(), "the message's icon is drawn").to.equal(1);
    expect(await locked.textContent()).to.contain("The account is locked");
    expect(await locked.textContent()).to.contain("Choose a new password to unlock the account.");
    const reset = popup.getByRole("link", { name: "Choose a new password (opens in the browser)" });
    expect(await reset.getAttribute("href")).to.match(/\/forgot-password$/);
    expect(await reset.getAttribute("target")).to.equal("_blank");
    await popup.screenshot({ path: "/tmp/addin-signin-en-locked.png" });
    expect(await hasHorizontalScroll(popup)).to.equal(false);
    expect(await paneToken(page)).to.equal(null);
  });

  it("rate-limited: the dialog shows how long to wait and holds the button until then", async () => {
    const { page, errors } = current();
    const user = await buildUser();
    const popupErrors: string[] = [];
    await openPane(page, draft([alice.email]), null, "sv-SE", errors);
    const popup = await openDialog(page, popupErrors);
    // One attempt per account and window: the second is refused with 429 and Retry-After.
    await withEnv({ RATE_LIMIT_LOGIN_ACCOUNT_POINTS: 1, RATE_LIMIT_LOGIN_WINDOW_SECONDS: 600 }, async () => {
      await enterPassword(popup, user.email, "Fel-lösenord-1");
      await popup.getByTestId("dialog-error").waitFor();
      const limited = popup.waitForResponse((r) => r.url().endsWith("/api/auth/login") && r.status() === 429);
      await popup.getByTestId("dialog-submit").click();
      await limited;
    });
    const bar = popup.getByTestId("dialog-rate-limited");
    await bar.waitFor();
    expect(await bar.textContent()).to.match(/För många försök\. Försök igen om (9|10) minuter\./);
    expect(await popup.getByTestId("dialog-submit").isDisabled()).to.equal(true);
    await popup.screenshot({ path: "/tmp/addin-signin-sv-limited.png" });
    expect(await paneToken(page)).to.equal(null);
  });
});
