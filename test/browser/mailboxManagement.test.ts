// Managing shared mailboxes in the web app (issue 11): an admin renames and deletes a mailbox on
// /admin/mailboxes (a mailbox holding messages only after the second, explicit confirmation);
// a member with the `manage` right adds and removes members in Settings → Shared mailboxes.
import { expect } from "chai";
import type { Page } from "playwright-core";
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { signIn } from "../support/auth.js";
import type { User } from "../../backend/src/models/User.js";
import { SharedMailbox } from "../../backend/src/models/SharedMailbox.js";
import { SharedMailboxMember } from "../../backend/src/models/SharedMailboxMember.js";
import type { ApiClient } from "../support/server.js";

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

/** What the server committed, read once the page has shown it (polled briefly). */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && value !== expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

async function useEnglish(page: Page): Promise<void> {
  await page.context().addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
}

describe("web app: managing shared mailboxes (browser, issue 11)", function () {
  this.timeout(180_000);
  let admin: User;
  let adminApi: ApiClient;
  let manager: User;
  let plain: User;
  let colleague: User;

  async function create(name: string, members: Array<{ userId: string; send?: boolean; manage?: boolean }>) {
    const res = await adminApi.post<{ mailbox: { id: string; email: string; name: string } }>("/api/admin/mailboxes", {
      name,
      email: uniqueEmail("brevlada"),
      members,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.mailbox;
  }

  before(async () => {
    const org = await buildOrganisation({ name: "Kommunen (brevlådehantering)" });
    admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    adminApi = await signIn(admin);
    manager = await buildUser({ organisation: org, name: "Maja Hanterare" });
    plain = await buildUser({ organisation: org, name: "Pelle Medlem" });
    colleague = await buildUser({ organisation: org, name: "Kim Kollega" });
  });

  for (const [label, viewport, lang] of [
    ["desktop", undefined, "sv"],
    ["360 px phone", { width: 360, height: 740 }, "en"],
  ] as const) {
    describe(`on a ${label} (${lang})`, () => {
      const current = usePage(viewport ? { viewport } : {});

      it("an admin renames a mailbox, then deletes one that holds a message only after saying so twice", async () => {
        const { page, errors } = current();
        const mailbox = await create(`Ekonomi ${label}`, [{ userId: plain.id }]);
        const sent = await (
          await signIn(colleague)
        ).post("/api/messages", { to: [{ email: mailbox.email }], subject: "Faktura", body: "x" });
        expect(sent.status, sent.text).to.equal(201);
        if (lang === "en") await useEnglish(page);
        await signInThroughUi(page, admin.email, defaultPassword);
        await page.goto("/admin/mailboxes");
        const card = page.locator("section", { has: page.getByRole("heading", { name: mailbox.name, exact: true }) });
        await card.getByTestId("mailbox-rename").click();
        const renamed = `Ekonomienheten ${label}`;
        await card.getByTestId("mailbox-rename-name").fill(renamed);
        await card.getByTestId("mailbox-rename-save").click();
        const after = page.locator("section", { has: page.getByRole("heading", { name: renamed, exact: true }) });
        await after.waitFor();
        expect((await SharedMailbox.findByPk(mailbox.id))!.name).to.equal(renamed);
        await page.waitForLoadState("networkidle");
        await expectNoSeriousAxe(page, `${label} renamed`);
        expect(await hasHorizontalScroll(page)).to.equal(false);

        await after.getByTestId("mailbox-delete").click();
        await page.getByTestId("confirm-delete").click();
        // The server refuses while it holds a message: the dialog says so and asks again.
        const dialog = page.getByRole("dialog");
        await dialog.getByText(lang === "sv" ? "1 meddelande" : "1 message").waitFor();
        expect(await SharedMailbox.findByPk(mailbox.id)).to.not.equal(null);
        await expectNoSeriousAxe(page, `${label} delete dialog`);
        if (lang === "sv") await page.screenshot({ path: "/tmp/kuvert-admin-mailbox-delete.png" });
        await page.getByTestId("confirm-delete").click();
        await page.getByTestId("mailboxes-done").filter({ hasText: renamed }).waitFor();
        expect(await eventually(async () => (await SharedMailbox.findByPk(mailbox.id)) === null, true)).to.equal(true);
        expect(await after.count()).to.equal(0);
        // The first delete's 409 mailbox_not_empty is the expected refusal.
        expect(errors.filter((e) => !e.includes("status of 409"))).to.deep.equal([]);
      });

      it("a manager adds and removes members in Settings; a member without manage only sees their rights", async () => {
        const { page, errors } = current();
        const mailbox = await create(`Bygglov ${label}`, [
          { userId: manager.id, send: true, manage: true },
          { userId: plain.id },
        ]);
        if (lang === "en") await useEnglish(page);
        await signInThroughUi(page, manager.email, defaultPassword);
        await page.goto("/mailbox/inbox");
        await page.getByTestId(`shared-members-${mailbox.id}`).click();
        await page.waitForURL(/\/settings\/mailboxes$/);
        const card = page.locator("section", { has: page.getByRole("heading", { name: mailbox.name, exact: true }) });
        await card.getByTestId("member-add-person").click();
        await page.getByRole("option", { name: /Kim Kollega/ }).click();
        await card.getByTestId("member-add").click();
        await card.locator(`[data-testid="mailbox-member"][data-email="${colleague.email}"]`).waitFor();
        expect(await SharedMailboxMember.count({ where: { mailboxId: mailbox.id, userId: colleague.id } })).to.equal(1);

        const pelle = card.locator(`[data-testid="mailbox-member"][data-email="${plain.email}"]`);
        await pelle.getByTestId("member-remove").click();
        await page.getByTestId("confirm-remove").click();
        await pelle.waitFor({ state: "detached" });
        expect(
          await eventually(() => SharedMailboxMember.count({ where: { mailboxId: mailbox.id, userId: plain.id } }), 0),
        ).to.equal(0);
        expect((await SharedMailbox.findByPk(mailbox.id))!.keyVersion, "the key was replaced").to.equal(2);
        await page.waitForLoadState("networkidle");
        await page.getByRole("dialog").waitFor({ state: "detached" });
        await expectNoSeriousAxe(page, `${label} manager`);
        expect(await hasHorizontalScroll(page)).to.equal(false);
        await page.screenshot({ path: `/tmp/kuvert-settings-mailboxes-${lang}.png`, fullPage: true });

        // Kim (member without manage) sees the mailbox and their rights, but no member list.
        await page.context().clearCookies();
        await signInThroughUi(page, colleague.email, defaultPassword);
        await page.goto("/settings/mailboxes");
        await page.getByTestId("my-mailboxes").getByText(mailbox.name, { exact: false }).waitFor();
        expect(await page.getByTestId("mailbox-members").count()).to.equal(0);
        // Kim turns off the e-mail notice for new messages in it.
        await page.getByRole("switch", { name: new RegExp(`${mailbox.name}$`) }).click();
        expect(
          await eventually(
            async () =>
              (await SharedMailboxMember.findOne({ where: { mailboxId: mailbox.id, userId: colleague.id } }))!.notify,
            false,
          ),
        ).to.equal(false);
        expect(await page.getByTestId(`shared-members-${mailbox.id}`).count()).to.equal(0);
        expect(errors).to.deep.equal([]);
      });
    });
  }
});
