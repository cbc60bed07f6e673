// The admin console for `npm run screenshots` (called from screenshots.ts; `npm run screenshots --
// admin` makes only these). Desktop in Swedish and English, and a 360 px phone.
import type { Browser, Page } from "playwright-core";
import { transaction } from "../src/db.js";
import { createUser } from "../src/commands/createUser.js";
import { createSharedMailbox } from "../src/commands/createSharedMailbox.js";
import type { Organisation } from "../src/models/Organisation.js";
import { User } from "../src/models/User.js";

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
const phone = { width: 360, height: 740 };

/** The admin pages and a test id that shows each has loaded. */
const pages = [
  ["/admin", "users-table", "users"],
  ["/admin/policies", "functions-table", "policies"],
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
    await p.shot(page, `admin-${name}`);
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

  page = await p.newPage(p.browser, p.baseUrl, desktop, "en");
  await p.signIn(page, admin.email);
  for (const [path, ready, name] of pages) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    await p.shot(page, `admin-${name}-english`);
  }
  await page.context().close();

  page = await p.newPage(p.browser, p.baseUrl, phone);
  await p.signIn(page, admin.email);
  for (const [path, ready, name] of pages) {
    await page.goto(path);
    await page.getByTestId(ready).waitFor();
    await p.shot(page, `admin-${name}-phone`);
  }
  await page.context().close();
}
