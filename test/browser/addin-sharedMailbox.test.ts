// Send from a shared mailbox in Outlook (issues 11 and 12): the real task pane bundle in
// Chromium inside the in-test Outlook host (test/support/officeInPage.ts: the fake Office of
// fakeOffice.ts with the item's From and shared-folder owner); the backend is the real app.
import crypto from "node:crypto";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { ensureAddin } from "../../addin/scripts/buildAddin.js";
import { officeJsOrigin } from "#shared/officeHosts.js";
import { transaction } from "../../backend/src/db.js";
import { issueApiToken } from "../../backend/src/services/apiTokens.js";
import { Message } from "../../backend/src/models/Message.js";
import type { User } from "../../backend/src/models/User.js";
import { hashLinkToken } from "../../backend/src/services/messages/linkTokens.js";
import { buildOrganisation, buildUser, uniqueEmail } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import { installOutlookHost, type InPageHostOptions } from "../support/officeInPage.js";
import type { PageGlobals } from "../support/officeInPageEntry.js";
import type { FakeComposeItem } from "../support/fakeOffice.js";
import { hasHorizontalScroll, seriousAxeViolations, usePage } from "../support/browser.js";

interface ItemState {
  sent: boolean;
  subject: string;
  bodyHtml: string;
}

async function openPane(
  page: Page,
  user: User,
  item: NonNullable<InPageHostOptions["item"]>,
  displayLanguage = "sv-SE",
  errors: string[] = [],
): Promise<void> {
  await page.route(`${officeJsOrigin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
  );
  await installOutlookHost(page, { displayLanguage, sets: {}, naa: null, legacy: null, item });
  const token = (await transaction((t) => issueApiToken(t, user, "Outlook add-in (test)"))).token;
  await page.addInitScript((t: string) => {
    if (location.pathname === "/addin/taskpane.html") localStorage.setItem("kuvert.addin.token", t);
  }, token);
  await page.goto("/addin/taskpane.html?mode=compose");
  await page
    .getByTestId("signed-in-as")
    .waitFor({ timeout: 15_000 })
    .catch((err: Error) => {
      throw new Error(`the pane did not render: ${errors.join("; ") || err.message}`);
    });
}

const itemState = (page: Page): Promise<ItemState> =>
  page.evaluate(() => {
    const item = (window as unknown as PageGlobals).__host.office.context.mailbox.item as FakeComposeItem;
    return { sent: item.sent, subject: item.subjectText, bodyHtml: item.bodyHtml };
  });

describe("Outlook add-in: send from a shared mailbox (browser)", function () {
  this.timeout(90_000);
  const current = usePage({ viewport: { width: 360, height: 900 } });
  let anna: User;
  let bertil: User;
  let reader: User;
  let mailbox: { id: string; email: string; name: string };

  before(async function () {
    this.timeout(120_000);
    await ensureAddin();
    const org = await buildOrganisation();
    const admin = await buildUser({ organisation: org, role: "admin" });
    anna = await buildUser({ organisation: org, name: "Anna Andersson" });
    bertil = await buildUser({ organisation: org, name: "Bertil Berg" });
    reader = await buildUser({ name: "Mottagare" });
    const res = await (
      await signIn(admin)
    ).post<{ mailbox: { id: string; email: string; name: string } }>("/api/admin/mailboxes", {
      name: "Socialtjänsten",
      email: uniqueEmail("socialtjansten"),
      members: [
        { userId: anna.id, send: true },
        { userId: bertil.id, send: false },
      ],
    });
    expect(res.status, res.text).to.equal(201);
    mailbox = res.body.mailbox;
  });

  it("a member with send sends with the mailbox as From: the recipient sees the mailbox; the other member finds it in the mailbox's Sent", async () => {
    const { page, errors } = current();
    const marker = crypto.randomBytes(6).toString("hex");
    const subject = `Beslut ${marker}`;
    await openPane(
      page,
      anna,
      { to: [reader.email], subject, bodyHtml: `<p>Hej ${marker}</p>`, from: mailbox.email },
      "sv-SE",
      errors,
    );
    const banner = page.getByTestId("send-as-mailbox");
    await banner.waitFor();
    expect(await banner.textContent()).to.contain("Socialtjänsten");
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await hasHorizontalScroll(page)).to.equal(false);
    await page.getByTestId("send-securely").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });

    // The Outlook item went as the recipient's one notification, with the shared link.
    const item = await itemState(page);
    expect(item.sent).to.equal(true);
    expect(item.subject).to.equal("Du har fått ett säkert meddelande");
    expect(item.bodyHtml).to.not.contain(marker);
    const token = /\/m\/([A-Za-z0-9_-]{43})/.exec(item.bodyHtml)?.[1];
    expect(token, item.bodyHtml).to.be.a("string");
    const message = await Message.findOne({ where: { sharedTokenHash: hashLinkToken(token!) } });
    expect(message!.senderId).to.equal(mailbox.id);

    const got = await (
      await signIn(reader)
    ).get<{ subject: string; sender: { email: string; name: string } }>(`/api/messages/${message!.id}`);
    expect(got.status, got.text).to.equal(200);
    expect(got.body.subject).to.equal(subject);
    expect(got.body.sender).to.include({ email: mailbox.email, name: "Socialtjänsten" });

    const sent = await (
      await signIn(bertil)
    ).get<{ items: Array<{ id: string; subject: string }> }>(`/api/mailboxes/${mailbox.id}/folder/sent`);
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.body.items.find((i) => i.id === message!.id)?.subject).to.equal(subject);
    expect(errors).to.deep.equal([]);
  });

  it("a member without send (the item started in the shared mailbox) is told so in English; nothing is sent", async () => {
    const { page, errors } = current();
    const before = await Message.count({ where: { senderId: mailbox.id } });
    await openPane(
      page,
      bertil,
      { to: [reader.email], subject: "Inte tillåtet", bodyHtml: "<p>x</p>", from: null, sharedOwner: mailbox.email },
      "en-US",
      errors,
    );
    const refused = page.getByTestId("mailbox-refused");
    await refused.waitFor();
    expect(await refused.textContent()).to.contain("may not start new messages");
    expect(await page.getByTestId("send-securely").isDisabled()).to.equal(true);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expect(await hasHorizontalScroll(page)).to.equal(false);
    const item = await itemState(page);
    expect(item).to.deep.equal({ sent: false, subject: "Inte tillåtet", bodyHtml: "<p>x</p>" });
    expect(await Message.count({ where: { senderId: mailbox.id } })).to.equal(before);
    expect(await Message.count({ where: { senderId: bertil.id } }), "not even a draft").to.equal(0);
    expect(errors).to.deep.equal([]);
  });

  it("a From that is no mailbox of the user's: the pane says it sends as the user, and does", async () => {
    const { page, errors } = current();
    const elsewhere = uniqueEmail("annan-brevlada");
    await openPane(
      page,
      anna,
      { to: [reader.email], subject: "Eget", bodyHtml: "<p>y</p>", from: elsewhere },
      "sv-SE",
      errors,
    );
    const warning = page.getByTestId("from-not-mailbox");
    await warning.waitFor();
    expect(await warning.textContent()).to.contain(anna.email);
    await page.getByTestId("send-securely").click();
    await page.getByTestId("send-done").waitFor({ timeout: 30_000 });
    const token = /\/m\/([A-Za-z0-9_-]{43})/.exec((await itemState(page)).bodyHtml)?.[1];
    const message = await Message.findOne({ where: { sharedTokenHash: hashLinkToken(token!) } });
    expect(message!.senderId).to.equal(anna.id);
    expect(errors).to.deep.equal([]);
  });
});
