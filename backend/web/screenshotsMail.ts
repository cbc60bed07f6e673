// The mailbox, message, compose, contacts and recipient-link pages for `npm run screenshots`
// (called from screenshots.ts). Messages are sent through the same command as the API; there
// is no outbox worker, so delivery statuses are set as the worker and readers would leave them,
// and the recipient link's SMS steps are answered as the server would.
import type { Browser, Page } from "playwright-core";
import { transaction } from "../src/db.js";
import { createUser } from "../src/commands/createUser.js";
import { sendMessage } from "../src/commands/sendMessage.js";
import { Contact } from "../src/models/Contact.js";
import { MessageRecipient, type DeliveryStatus } from "../src/models/MessageRecipient.js";
import { Organisation } from "../src/models/Organisation.js";
import type { User } from "../src/models/User.js";

interface MailShotsProps {
  browser: Browser;
  baseUrl: string;
  organisation: Organisation;
  password: string;
  newPage(
    browser: Browser,
    baseURL: string,
    viewport: { width: number; height: number },
    language?: "en",
  ): Promise<Page>;
  signIn(page: Page, email: string): Promise<void>;
  shot(page: Page, name: string, opts?: { fullPage?: boolean; keepMouse?: boolean }): Promise<void>;
}

const desktop = { width: 1280, height: 800 };
const phone = { width: 360, height: 740 };
const plain = {
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
  readReceipt: false,
  notify: true,
  hideRecipients: false,
  expiresAt: null,
};

async function send(
  from: User,
  to: Array<{ email: string; mobile?: string }>,
  subject: string,
  text: string,
  opts: Partial<typeof plain> & { parentId?: string } = {},
) {
  const { parentId, ...options } = opts;
  const { message } = await transaction(async (t) => {
    const parent = parentId
      ? await (await import("../src/models/Message.js")).Message.findByPk(parentId, { transaction: t })
      : null;
    return sendMessage(t, { sender: from, to, subject, text, html: null, options: { ...plain, ...options }, parent });
  });
  return message;
}

async function setStatus(messageId: string, status: DeliveryStatus): Promise<void> {
  await MessageRecipient.update(
    { status, ...(status === "read" ? { readAt: new Date() } : {}) },
    { where: { messageId } },
  );
}

export async function mailScreenshots(p: MailShotsProps): Promise<void> {
  const make = (email: string, name: string, mobile: string) =>
    transaction((t) => createUser(t, { organisation: p.organisation, email, mobile, name, password: p.password }));
  const karin = await make("karin.sjoberg@sundsvall.example", "Karin Sjöberg", "+46702223344");
  const johan = await make("johan.falk@sundsvall.example", "Johan Falk", "+46705556677");

  const first = await send(
    karin,
    [{ email: johan.email }],
    "Beslut om färdtjänst",
    "Hej Johan!\n\nBeslutet om färdtjänst är klart. Du hittar det i bilagan till nästa meddelande.\n\nVänliga hälsningar\nKarin Sjöberg\nSundsvalls kommun",
  );
  await send(
    johan,
    [{ email: karin.email }],
    "Sv: Beslut om färdtjänst",
    "Tack Karin! Gäller beslutet även resor till sjukhuset?",
    { parentId: first.id },
  );
  await send(
    karin,
    [{ email: johan.email }],
    "Sv: Beslut om färdtjänst",
    "Ja, resor till vård ingår. Hör av dig om något är oklart.",
    { parentId: first.id },
  );
  await send(
    karin,
    [{ email: johan.email }],
    "Kallelse till möte 12 december",
    "Välkommen till ett möte om ditt ärende.",
  );
  await send(karin, [{ email: johan.email }], "Underlag inför hembesök", "Här är underlaget.", {
    burnAfterReading: true,
  });

  const citizens = [
    {
      email: "maria.nilsson@example.se",
      mobile: "+46701112233",
      status: "read" as const,
      subject: "Svar på din ansökan",
    },
    {
      email: "per.holm@example.se",
      mobile: "+46704445566",
      status: "opened" as const,
      subject: "Komplettering behövs",
    },
    {
      email: "lena.berg@example.se",
      mobile: "+46707778899",
      status: "notified" as const,
      subject: "Information om hemtjänst",
    },
    {
      email: "ali.hassan@example.se",
      mobile: "+46709990011",
      status: "bounced" as const,
      subject: "Beslut om bostadsanpassning",
    },
    { email: "eva.lund@example.se", mobile: "+46703332211", status: "away" as const, subject: "Tid för uppföljning" },
  ];
  for (const c of citizens) {
    const m = await send(johan, [{ email: c.email, mobile: c.mobile }], c.subject, "Hej! Se meddelandet.", {
      readReceipt: true,
    });
    await setStatus(m.id, c.status);
  }
  await Contact.update(
    { verified: true, name: "Maria Nilsson" },
    { where: { ownerId: johan.id, email: "maria.nilsson@example.se" } },
  );
  await Contact.update({ name: "Per Holm" }, { where: { ownerId: johan.id, email: "per.holm@example.se" } });
  await Contact.create({
    ownerId: johan.id,
    email: "karin.sjoberg@sundsvall.example",
    name: "Karin Sjöberg",
    mobile: "+46702223344",
    verified: true,
  });

  let page = await p.newPage(p.browser, p.baseUrl, desktop);
  await p.signIn(page, johan.email);
  await page.goto("/mailbox/inbox");
  await page.getByTestId("message-row").first().waitFor();
  await page.getByTestId("folder-create").click();
  await page.getByTestId("folder-name").fill("Färdtjänst");
  await page.getByTestId("folder-save").click();
  await page.getByRole("link", { name: "Färdtjänst" }).waitFor();
  await p.shot(page, "30-mailbox-inbox");
  await page.getByTestId("message-row").filter({ hasText: "Sv: Beslut om färdtjänst" }).locator("button").click();
  await page.getByTestId("message-body").waitFor();
  await p.shot(page, "31-message");
  await page.getByRole("tab", { name: /Dialoghistorik/ }).click();
  await page.getByTestId("thread").getByText("resor till vård").waitFor();
  await p.shot(page, "32-dialog-history");
  await page.goto("/mailbox/inbox");
  await page.getByTestId("message-row").filter({ hasText: "Underlag inför hembesök" }).locator("button").click();
  await page.getByTestId("reveal").waitFor();
  await p.shot(page, "33-burn-after-reading");
  await page.goto("/mailbox/sent");
  await page.getByTestId("status-legend").waitFor();
  await page.getByTestId("message-row").nth(0).locator(".ms-Checkbox-label").click();
  await page.getByTestId("message-row").nth(1).locator(".ms-Checkbox-label").click();
  await p.shot(page, "34-sent-statuses-selected");
  await page.goto("/compose");
  await page.getByTestId("compose-to").fill("ny.mottagare@example.se");
  await page.getByTestId("compose-subject").fill("Beslut för 19850709-1232");
  await page.getByTestId("compose-body").fill("Hej!\n\nHär kommer beslutet.");
  await page.getByTestId("option-idCheck").click();
  await page.getByTestId("option-readReceipt").click();
  await page.getByTestId("compose-send").click();
  await page.getByTestId("compose-mobile").waitFor();
  await p.shot(page, "35-compose-new-recipient");
  // The composer under an organisation policy (ID check forced), with rich text and the template menu.
  const policy = p.organisation.policy;
  await Organisation.update(
    { policy: { ...policy, messages: { defaults: { readReceipt: true }, forced: ["idCheck"] } } },
    { where: { id: p.organisation.id } },
  );
  await page.goto("/compose");
  await page.getByTestId("forced-idCheck").waitFor();
  await page.getByTestId("compose-to").fill("maria.nilsson@example.se");
  await page.getByTestId("compose-subject").fill("Ditt ärende");
  await page.getByTestId("compose-body").fill("Hej Maria!");
  await page.keyboard.press("Enter");
  await page.getByTestId("editor-bold").click();
  await page.keyboard.type("Beslutet är klart.");
  await page.getByTestId("editor-bold").click();
  await page.keyboard.press("Enter");
  await page.getByTestId("editor-bullets").click();
  await page.keyboard.type("Beslutet finns som bilaga");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Hör av dig om du har frågor");
  await page.getByTestId("insert-template").click();
  await page.getByRole("menuitem").first().waitFor();
  await page.waitForTimeout(600);
  await p.shot(page, "45-compose-rich-text-template", { fullPage: false, keepMouse: true });
  await page.keyboard.press("Escape");
  await p.shot(page, "46-compose-forced-options");
  await Organisation.update({ policy }, { where: { id: p.organisation.id } });
  await page.goto("/contacts");
  await page.getByTestId("contact-row").first().waitFor();
  await p.shot(page, "36-contacts");
  await page.goto("/mailbox/trash");
  await page.context().close();

  // The recipient link, step by step (the SMS steps answered as the server would).
  page = await p.newPage(p.browser, p.baseUrl, desktop);
  const token = "demo".padEnd(43, "x");
  await page.route(`**/api/recipient/${token}/start`, (r) =>
    r.fulfill({
      status: 200,
      contentType: "application/json",
      body: JSON.stringify({ next: "sms_code", mobile: "+46•••••2233" }),
    }),
  );
  await page.route(`**/api/recipient/${token}/verify`, (r) =>
    r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ next: "set_password" }) }),
  );
  await page.goto(`/r/${token}`);
  await page.getByTestId("recipient-email").fill("maria.nilsson@example.se");
  await p.shot(page, "37-recipient-email");
  await page.getByTestId("recipient-next").click();
  await page.getByTestId("recipient-code").fill("482913");
  await p.shot(page, "38-recipient-sms-code");
  await page.getByTestId("recipient-verify").click();
  await page.getByTestId("recipient-password").fill("Vinter2026");
  await p.shot(page, "39-recipient-password");
  await page.goto(`/r/${"gone".padEnd(43, "y")}`);
  await page.route("**/api/recipient/*/start", (r) =>
    r.fulfill({
      status: 410,
      contentType: "application/json",
      body: JSON.stringify({ error: "link_expired", message: "expired" }),
    }),
  );
  await page.getByTestId("recipient-email").fill("maria.nilsson@example.se");
  await page.getByTestId("recipient-next").click();
  await page.getByTestId("link-gone").waitFor();
  await p.shot(page, "40-recipient-link-expired");
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, phone);
  await p.signIn(page, johan.email);
  await page.goto("/mailbox/inbox");
  await page.getByTestId("message-row").first().waitFor();
  await p.shot(page, "41-phone-mailbox");
  await page.getByTestId("message-row").filter({ hasText: "Kallelse" }).locator("button").click();
  await page.getByTestId("message-body").waitFor();
  await p.shot(page, "42-phone-message");
  await page.goto("/compose");
  await page.getByTestId("compose-to").waitFor();
  await p.shot(page, "43-phone-compose");
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, desktop, "en");
  await p.signIn(page, johan.email);
  await page.goto("/mailbox/sent");
  await page.getByTestId("status-legend").waitFor();
  await p.shot(page, "44-mailbox-sent-english");
  await page.context().close();
}
