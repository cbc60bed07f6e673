// The admin console for `npm run screenshots` (called from screenshots.ts; `npm run screenshots --
// admin` makes only these). Desktop in Swedish and English, and a 360 px phone.
import type { Browser, Page } from "playwright-core";
import { transaction } from "../src/db.js";
import { createUser } from "../src/commands/createUser.js";
import { createSharedMailbox } from "../src/commands/createSharedMailbox.js";
import type { Organisation } from "../src/models/Organisation.js";
import { User } from "../src/models/User.js";
import { updateAccountSettings } from "../src/commands/updateAccountSettings.js";
import { changeOrgSignature } from "../src/commands/changeOrgSignature.js";
import { Invitation } from "../src/models/Invitation.js";
import { inviteUsers } from "../src/commands/inviteUsers.js";
import { newLinkToken } from "../src/services/messages/linkTokens.js";
import { setNotificationLogo, setNotificationTexts } from "../src/commands/changeNotificationTexts.js";
import { PNG } from "pngjs";

/** A made-up logo for the notification texts page: a blue band with a white envelope. */
function demoLogo(): Buffer {
  const png = new PNG({ width: 240, height: 64 });
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 240; x++) {
      const i = (y * 240 + x) * 4;
      const inEnvelope = x >= 16 && x < 64 && y >= 14 && y < 50;
      const onFlap = inEnvelope && Math.abs(y - 14 - (x < 40 ? x - 16 : 63 - x) * 0.75) < 2;
      const white = inEnvelope && !onFlap;
      png.data[i] = white ? 255 : 15;
      png.data[i + 1] = white ? 255 : 108;
      png.data[i + 2] = white ? 255 : 189;
      png.data[i + 3] = 255;
    }
  return PNG.sync.write(png);
}

interface AdminShotsProps {
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

/**
 * The notification preview is a sandboxed frame, which Chromium leaves blank in a full-page
 * capture taller than the window: the window is made as tall as the page for the shot.
 */
async function tallWindow(page: Page): Promise<() => Promise<void>> {
  const size = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height });
  await page.waitForTimeout(700);
  return () => page.setViewportSize(size);
}
const phone = { width: 360, height: 740 };

/** The admin pages and a test id that shows each has loaded. */
const pages = [
  ["/admin", "users-table", "users"],
  ["/admin/invitations", "invitations-list", "invitations"],
  ["/admin/policies", "functions-table", "policies"],
  ["/admin/templates", "templates-list", "templates"],
  ["/admin/signature", "signature-preview", "signature"],
  ["/admin/notifications", "notif-preview-html", "notifications"],
  ["/admin/usage", "usage-numbers", "usage"],
  ["/admin/audit", "chain-intact", "audit"],
  ["/admin/mailboxes", "mailbox-members", "mailboxes"],
] as const;

export async function adminScreenshots(p: AdminShotsProps): Promise<void> {
  const admin = await transaction((t) =>
    createUser(t, {
      organisation: p.organisation,
      email: "karin.strom@sundsvall.example",
      mobile: "+46706667788",
      name: "Karin Ström",
      password: p.password,
      role: "admin",
    }),
  );
  const people = [
    ["johan.berg@sundsvall.example", "Johan Berg", "+46701112233"],
    ["fatima.ali@sundsvall.example", "Fatima Ali", "+46702223344"],
    ["peter.sjo@sundsvall.example", "Peter Sjö", "+46704445566"],
  ] as const;
  for (const [email, name, mobile] of people)
    await transaction((t) =>
      createUser(t, { organisation: p.organisation, email, name, mobile, password: p.password }),
    );
  await User.update({ status: "deactivated" }, { where: { email: "peter.sjo@sundsvall.example" } });
  // The signature page shows a real signature, previewed with the admin's own title.
  const meta = { ip: null, userAgent: null };
  await transaction((t) => updateAccountSettings(t, { user: admin, changes: { title: "Enhetschef" }, meta }));
  await transaction((t) =>
    changeOrgSignature(t, {
      admin,
      organisationId: p.organisation.id,
      html: '<p>Med vänlig hälsning</p><p><strong>{name}</strong><br>{title}<br>{organisation}<br><a href="mailto:{email}">{email}</a> · {phone}</p>',
      mode: "mandatory",
      meta,
    }),
  );
  // Notification texts (issue 10): the organisation's own words in Swedish and a logo.
  await transaction((t) =>
    setNotificationTexts(t, {
      admin,
      organisationId: p.organisation.id,
      locale: "sv",
      texts: {
        senderName: "Sundsvalls kommun",
        intro: "Hej!\n\n{sender} på {organisation} har skickat ett säkert meddelande till dig.",
        footer: "Frågor? Ring kontaktcenter på 060-19 10 00, vardagar 8–17.",
        smsRecipientCode: "Sundsvalls kommun: din kod är {code}. Den gäller i {minutes} minuter.",
      },
      meta,
    }),
  );
  await transaction((t) =>
    setNotificationLogo(t, { admin, organisationId: p.organisation.id, bytes: demoLogo(), meta }),
  );
  // Invitations (F23): a few in different states, and one whose link the journey shots open.
  const invited = await transaction((t) =>
    inviteUsers(t, {
      organisationId: p.organisation.id,
      inviter: admin,
      locale: "sv",
      rows: [
        { email: "sara.lind@sundsvall.example", name: "Sara Lind", mobile: "+46707778899", role: "staff" },
        { email: "omar.haddad@sundsvall.example", name: "Omar Haddad", mobile: "+46708889900", role: "admin" },
        { email: "eva.nord@sundsvall.example", name: "Eva Nord", mobile: "+46709990011", role: "staff" },
      ],
      source: "form",
    }),
  );
  if (!invited.ok) throw new Error("screenshot invitations not created");
  await Invitation.update(
    { status: "declined", respondedAt: new Date() },
    { where: { id: invited.invitations[2].id } },
  );
  const link = newLinkToken();
  await Invitation.update({ tokenHash: link.hash }, { where: { id: invited.invitations[0].id } });
  const members = await User.findAll({
    where: { email: ["johan.berg@sundsvall.example", "fatima.ali@sundsvall.example"] },
  });
  await transaction((t) =>
    createSharedMailbox(t, {
      admin,
      organisationId: p.organisation.id,
      name: "Socialtjänsten",
      email: "socialtjansten@sundsvall.example",
      members: members.map((m, i) => ({ userId: m.id, send: i === 0, manage: i === 0 })),
      meta: { ip: null, userAgent: null },
    }),
  );

  let page = await p.newPage(p.browser, p.baseUrl, desktop);
  await p.signIn(page, admin.email);
  await page.getByTestId("user-menu").click();
  await page.getByTestId("menu-admin").waitFor();
  await page.waitForTimeout(600); // the menu's fade-in
  await p.shot(page, "admin-00-name-menu", { fullPage: false, keepMouse: true });
  await page.keyboard.press("Escape");
  for (const [path, ready, name] of pages) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    const restore = name === "notifications" ? await tallWindow(page) : null;
    await p.shot(page, `admin-${name}`);
    await restore?.();
  }
  await page.goto("/admin");
  await page
    .locator('[data-testid=user-row][data-email="johan.berg@sundsvall.example"]')
    .getByTestId("user-actions")
    .click();
  await page.getByTestId("action-deactivate").waitFor();
  await page.waitForTimeout(600);
  await p.shot(page, "admin-users-actions", { fullPage: false, keepMouse: true });
  await page.getByTestId("action-deactivate").click();
  await page.getByTestId("confirm-action").waitFor();
  await page.waitForTimeout(400);
  await p.shot(page, "admin-users-deactivate-dialog", { fullPage: false });
  await page.keyboard.press("Escape");
  await page.goto("/admin/policies");
  await page.getByTestId("zero-access-toggle").click();
  await page.getByTestId("zero-access-confirm").waitFor();
  await page.waitForTimeout(400);
  await p.shot(page, "admin-policies-zero-access-dialog", { fullPage: false });
  await page.context().close();

  // The invitation journey as the invited person sees it.
  for (const language of [undefined, "en"] as const) {
    const guest = await p.newPage(p.browser, p.baseUrl, desktop, language);
    const suffix = language ? "-english" : "";
    await guest.goto(`/invitation/${link.token}`);
    await guest.getByTestId("invitation-yes").waitFor();
    await p.shot(guest, `invitation-answer${suffix}`, { fullPage: false });
    await guest.getByTestId("invitation-yes").click();
    await guest.getByTestId("invitation-code").waitFor();
    await p.shot(guest, `invitation-code${suffix}`, { fullPage: false });
    await guest.goto(`/invitation/${"x".repeat(43)}`);
    await guest.getByTestId("invitation-refused-invalid_invitation").waitFor();
    await p.shot(guest, `invitation-refused${suffix}`, { fullPage: false });
    await guest.context().close();
  }

  page = await p.newPage(p.browser, p.baseUrl, desktop, "en");
  await p.signIn(page, admin.email);
  for (const [path, ready, name] of pages) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    const restore = name === "notifications" ? await tallWindow(page) : null;
    await p.shot(page, `admin-${name}-english`);
    await restore?.();
  }
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, phone);
  await p.signIn(page, admin.email);
  for (const [path, ready, name] of pages) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    const restore = name === "notifications" ? await tallWindow(page) : null;
    await p.shot(page, `admin-${name}-phone`);
    await restore?.();
  }
  // The navigation: a side column on a wide screen, a Menu button that opens the list on a phone.
  await page.goto("/admin/signature");
  await page.getByTestId("signature-preview").waitFor();
  await page.getByTestId("admin-nav-toggle").click();
  await page.getByTestId("admin-nav-directory").waitFor();
  await p.shot(page, "admin-navigation-phone", { fullPage: false });
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, desktop);
  await p.signIn(page, admin.email);
  await page.goto("/admin/signature");
  await page.getByTestId("signature-preview").waitFor();
  await p.shot(page, "admin-navigation", { fullPage: false });
  await page.context().close();
}
