import { expect } from "chai";
import type { Page } from "playwright-core";
import adminSv from "../../backend/web/src/locales/admin.sv.json" with { type: "json" };
import adminEn from "../../backend/web/src/locales/admin.en.json" with { type: "json" };
import { buildOrganisation, buildUser, defaultPassword, uniqueEmail } from "../support/factories.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";
import { signIn } from "../support/auth.js";
import { transaction } from "../../backend/src/db.js";
import { createSharedMailbox } from "../../backend/src/commands/createSharedMailbox.js";
import { Organisation } from "../../backend/src/models/Organisation.js";
import type { User } from "../../backend/src/models/User.js";
import { SharedMailboxMember } from "../../backend/src/models/SharedMailboxMember.js";

async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  const found = (await seriousAxeViolations(page)).map(
    (v) => `${where}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(found).to.deep.equal([]);
}

async function useEnglish(page: Page): Promise<void> {
  await page.context().addInitScript(() => window.localStorage.setItem("kuvert.language", "en"));
}

describe("web app: shared mailboxes (browser, issue 11)", function () {
  this.timeout(180_000);
  let org: Organisation;
  let admin: User;
  let member: User;
  let colleague: User;
  let outsider: User;

  before(async () => {
    org = await buildOrganisation({ name: "Sundsvalls kommun (funktionsbrevlådor)" });
    admin = await buildUser({ organisation: org, role: "admin", name: "Ada Admin" });
    member = await buildUser({ organisation: org, name: "Mia Medlem" });
    colleague = await buildUser({ organisation: org, name: "Kalle Kollega" });
    outsider = await buildUser({ organisation: await buildOrganisation(), name: "Extern Avsändare" });
  });

  for (const [label, viewport] of [
    ["desktop", undefined],
    ["360 px phone", { width: 360, height: 740 }],
  ] as const) {
    describe(`admin page on a ${label}`, () => {
      const current = usePage(viewport ? { viewport } : {});

      for (const lang of ["sv", "en"] as const) {
        it(`creates a mailbox, adds and removes members with rights (${lang})`, async () => {
          const { page, errors } = current();
          const texts = (lang === "sv" ? adminSv : adminEn).mailboxes;
          if (lang === "en") await useEnglish(page);
          await signInThroughUi(page, admin.email, defaultPassword);
          await page.goto("/admin/mailboxes");
          await page.getByTestId("mailbox-name").waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoSeriousAxe(page, `${label} ${lang} empty`);
          const name = `Socialtjänsten ${lang} ${label}`;
          await page.getByTestId("mailbox-name").fill(name);
          await page.getByTestId("mailbox-email").fill(uniqueEmail("social"));
          await page.getByTestId("mailbox-create").click();
          await page.getByTestId("mailboxes-done").waitFor();
          const card = page.locator("section", { has: page.getByRole("heading", { name, exact: true }) });
          await card.getByTestId("member-add-person").click();
          await page.getByRole("option", { name: /Mia Medlem/ }).click();
          await card.getByRole("checkbox", { name: texts.rights.send, exact: true }).check({ force: true });
          await card.getByTestId("member-add").click();
          await card.locator(`[data-testid="mailbox-member"][data-email="${member.email}"]`).waitFor();
          await card.getByTestId("member-add-person").click();
          await page.getByRole("option", { name: /Kalle Kollega/ }).click();
          await card.getByTestId("member-add").click();
          const kalle = card.locator(`[data-testid="mailbox-member"][data-email="${colleague.email}"]`);
          await kalle.waitFor();
          await kalle.getByRole("checkbox", { name: new RegExp(`^${texts.rights.manage}`) }).click({ force: true });
          await page
            .getByTestId("mailboxes-done")
            .filter({ hasText: texts.changed.replace("{{name}}", "Kalle Kollega") })
            .waitFor();
          await page.waitForLoadState("networkidle");
          await expectNoSeriousAxe(page, `${label} ${lang} with members`);
          expect(await hasHorizontalScroll(page), "horizontal scroll").to.equal(false);
          if (lang === "sv" && !viewport)
            await page.screenshot({ path: "/tmp/kuvert-admin-mailboxes.png", fullPage: true });
          if (lang === "en" && viewport)
            await page.screenshot({ path: "/tmp/kuvert-admin-mailboxes-360.png", fullPage: true });

          await kalle.getByTestId("member-remove").click();
          await page.getByTestId("confirm-remove").click();
          await kalle.waitFor({ state: "detached" });
          await card.getByText(lang === "sv" ? /nyckelversion 2/ : /key version 2/).waitFor();
          const rows = await SharedMailboxMember.count({ where: { userId: member.id, canSend: true } });
          expect(rows).to.be.at.least(1);
          expect(errors).to.deep.equal([]);
        });
      }
    });
  }

  describe("member's mailbox view", () => {
    const current = usePage();

    it("a member sees the mailbox in the folder list, opens the message and replies as the mailbox", async () => {
      const address = uniqueEmail("familjeratt");
      const created = await transaction((t) =>
        createSharedMailbox(t, {
          admin,
          organisationId: org.id,
          name: "Familjerätten",
          email: address,
          members: [{ userId: member.id, send: false, manage: false }],
          meta: { ip: null, userAgent: null },
        }),
      );
      if (created.kind !== "created") throw new Error(created.kind);
      const mailboxId = created.mailbox.id;
      const outsiderApi = await signIn(outsider);
      const sent = await outsiderApi.post<{ id: string }>("/api/messages", {
        to: [{ email: address }],
        subject: "Fråga om umgänge",
        body: "Hej, jag har en fråga.",
      });
      expect(sent.status, sent.text).to.equal(201);

      const { page, errors } = current();
      await signInThroughUi(page, member.email, defaultPassword);
      await page.goto("/mailbox/inbox");
      const inbox = page.locator(`[data-shared-folder="${mailboxId}:inbox"] a`);
      await inbox.waitFor();
      expect(await page.getByTestId("shared-mailboxes").innerText()).to.contain("Familjerätten");
      expect(await inbox.innerText()).to.contain("1");
      await inbox.click();
      await page.waitForURL(new RegExp(`/shared/${mailboxId}/inbox$`));
      await page.getByText("Fråga om umgänge").click();
      await page.getByTestId("message-body").filter({ hasText: "Hej, jag har en fråga." }).waitFor();
      await page.getByTestId("mailbox-events").filter({ hasText: "Mia Medlem" }).waitFor();
      await page.waitForLoadState("networkidle");
      await expectNoSeriousAxe(page, "shared message");
      await page.screenshot({ path: "/tmp/kuvert-shared-message.png", fullPage: true });
      expect(await page.getByTestId("new-message").count(), "no send right: no new message").to.equal(0);

      await page.getByTestId("view-reply").click();
      await page.waitForURL(/\/compose\?replyTo=.*mailbox=/);
      await page.getByTestId("compose-from").waitFor();
      await page.locator(".ProseMirror, [contenteditable=true]").first().click();
      await page.keyboard.type("Tack, vi återkommer.");
      await page.getByTestId("compose-send").click();
      await page.waitForURL(new RegExp(`/shared/${mailboxId}/sent/`));
      await page.getByTestId("message-subject").waitFor();
      expect(await page.getByTestId("message-subject").innerText()).to.match(/Fråga om umgänge/);

      const answer = await outsiderApi.get<{
        items: Array<{ id: string; subject: string; sender: { email: string } }>;
      }>("/api/mailbox/inbox");
      expect(answer.body.items[0].sender.email).to.equal(address);
      expect(errors).to.deep.equal([]);
    });

    it("with a mandatory signature, the composer shows it signed by the mailbox once From is the mailbox", async () => {
      const signed = await buildOrganisation({ name: "Signerande kommun" });
      await Organisation.update(
        {
          policy: {
            orgSignature: {
              html: "<p>{name} – {email} – {organisation}</p>",
              mode: "mandatory",
              version: 1,
              updatedAt: null,
            },
          },
        },
        { where: { id: signed.id } },
      );
      const handler = await buildUser({ organisation: signed, name: "Hanna Handläggare" });
      const admin2 = await buildUser({ organisation: signed, role: "admin" });
      const address = uniqueEmail("mottagningen");
      const created = await transaction((t) =>
        createSharedMailbox(t, {
          admin: admin2,
          organisationId: signed.id,
          name: "Mottagningen",
          email: address,
          members: [{ userId: handler.id, send: true, manage: false }],
          meta: { ip: null, userAgent: null },
        }),
      );
      if (created.kind !== "created") throw new Error(created.kind);

      const { page, errors } = current();
      await signInThroughUi(page, handler.email, defaultPassword);
      await page.goto("/compose");
      const note = page.getByTestId("mandatory-signature");
      await note.filter({ hasText: "Hanna Handläggare" }).waitFor();
      await page.getByTestId("compose-from").click();
      await page.getByRole("option", { name: `Mottagningen <${address}>` }).click();
      await note.filter({ hasText: `Mottagningen – ${address} – ${signed.name}` }).waitFor();
      expect(await note.innerText()).to.not.contain("Hanna");
      await page.getByTestId("compose-from").click();
      await page.getByRole("option", { name: new RegExp(handler.email) }).click();
      await note.filter({ hasText: "Hanna Handläggare" }).waitFor();
      expect(errors).to.deep.equal([]);
    });
  });
});
