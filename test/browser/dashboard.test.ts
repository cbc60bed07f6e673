import { expect } from "chai";
import { buildUser, defaultPassword } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import { hasHorizontalScroll, seriousAxeViolations, signInThroughUi, usePage } from "../support/browser.js";

describe("web app: dashboard (browser)", function () {
  this.timeout(60_000);
  const current = usePage({ viewport: { width: 360, height: 740 } });

  it("shows no unread messages for a new user, with the way to the inbox", async () => {
    const { page } = current();
    const user = await buildUser({ name: "Ingrid Ny" });
    await signInThroughUi(page, user.email, defaultPassword);
    expect(await page.getByTestId("unread-count").textContent()).to.equal("Du har inga olästa meddelanden.");
    expect(await page.getByRole("link", { name: "Gå till inkorgen" }).getAttribute("href")).to.equal("/mailbox/inbox");
  });

  it("counts and lists unread messages (sender, subject) linking to each message", async () => {
    const { page } = current();
    const reader = await buildUser({ name: "Johan Läsare" });
    const sender = await buildUser({ name: "Karin Avsändare" });
    const senderApi = await signIn(sender);
    const ids: string[] = [];
    for (const subject of ["Kallelse till möte", "Svar på din ansökan"]) {
      const res = await senderApi.post<{ id: string }>("/api/messages", {
        to: [{ email: reader.email }],
        subject,
        body: { text: "Hej!" },
      });
      expect(res.status, res.text).to.equal(201);
      ids.push(res.body.id);
    }
    await signInThroughUi(page, reader.email, defaultPassword);
    await page.getByTestId("unread-count").filter({ hasText: "Du har 2 olästa meddelanden." }).waitFor();
    const summary = page.getByTestId("unread-summary");
    for (const [i, subject] of ["Kallelse till möte", "Svar på din ansökan"].entries()) {
      const link = summary.getByRole("link", { name: new RegExp(`Karin Avsändare.*${subject}`) });
      expect(await link.getAttribute("href")).to.equal(`/mailbox/inbox/${ids[i]}`);
    }
    expect(await hasHorizontalScroll(page)).to.equal(false);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.getByRole("button", { name: "English" }).click();
    await page.getByTestId("unread-count").filter({ hasText: "You have 2 unread messages." }).waitFor();
  });
});
