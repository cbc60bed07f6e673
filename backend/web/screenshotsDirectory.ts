// The Microsoft 365 directory page for `npm run screenshots` (`npm run screenshots -- directory`
// makes only these): a local stand-in for Entra ID and Microsoft Graph (the one the tests use,
// test/support/directory.ts) so the page shows a real preview. Swedish, English and a 360 px phone.
import crypto from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { transaction } from "../src/db.js";
import { env, setEnv } from "../src/env.js";
import { createUser } from "../src/commands/createUser.js";
import { connectEntraTenant } from "../src/commands/connectEntraTenant.js";
import { createOrganisation } from "../src/commands/createOrganisation.js";
import { User } from "../src/models/User.js";
import { startTestDirectory } from "../../test/support/directory.js";

interface DirectoryShotsProps {
  browser: Browser;
  baseUrl: string;
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

export async function directoryScreenshots(p: DirectoryShotsProps): Promise<void> {
  const tenant = crypto.randomUUID();
  const dir = await startTestDirectory(tenant);
  const saved = env();
  setEnv({
    ...saved,
    ENTRA_DIRECTORY_CLIENT_ID: dir.clientId,
    ENTRA_DIRECTORY_CLIENT_SECRET: dir.secret,
    ENTRA_AUTHORITY_URL: dir.authorityUrl,
    GRAPH_BASE_URL: dir.graphBaseUrl,
  });
  try {
    const org = await transaction((t) => createOrganisation(t, { name: "Timrå kommun" }));
    await transaction((t) => connectEntraTenant(t, org, tenant));
    const user = (email: string, name: string, mobile: string, role: "admin" | "staff" = "staff") =>
      transaction((t) => createUser(t, { organisation: org, email, name, mobile, password: p.password, role }));
    const admin = await user("maria.holm@timra.example", "Maria Holm", "+46706660011", "admin");
    await user("erik.sund@timra.example", "Erik Sund", "+46701230001");
    const leaver = await user("lena.ask@timra.example", "Lena Ask", "+46701230002");
    await User.update({ directoryObjectId: crypto.randomUUID() }, { where: { id: leaver.id } });
    const groupId = "5f0c2a8e-4b1d-4c6a-9e1f-2d3b4c5d6e7f";
    dir.groups.set(groupId, [
      { id: crypto.randomUUID(), displayName: "Maria Holm", mail: admin.email, mobilePhone: admin.mobile },
      {
        id: crypto.randomUUID(),
        displayName: "Erik Sund",
        mail: "erik.sund@timra.example",
        mobilePhone: "070-123 99 88",
      },
      {
        id: crypto.randomUUID(),
        displayName: "Amira Haddad",
        mail: "amira.haddad@timra.example",
        mobilePhone: "+46 70 444 55 66",
      },
      {
        id: crypto.randomUUID(),
        displayName: "Jonas Berg",
        mail: "jonas.berg@timra.example",
        mobilePhone: "+46705557788",
      },
      {
        id: crypto.randomUUID(),
        displayName: "Konferensrum Ljustorp",
        mail: "ljustorp@timra.example",
        mobilePhone: null,
      },
    ]);
    for (const [viewport, language, suffix] of [
      [{ width: 1280, height: 800 }, undefined, ""],
      [{ width: 1280, height: 800 }, "en", "-english"],
      [{ width: 360, height: 740 }, undefined, "-phone"],
    ] as const) {
      const page = await p.newPage(p.browser, p.baseUrl, viewport, language);
      await p.signIn(page, admin.email);
      await page.goto("/admin/directory");
      await page.getByTestId("directory-group").fill(groupId);
      await page.getByTestId("directory-preview").click();
      await page.getByTestId("directory-summary").waitFor();
      await p.shot(page, `admin-directory${suffix}`);
      if (!suffix) {
        await page.getByTestId("directory-apply").click();
        await page.getByTestId("directory-confirm").waitFor();
        await page.waitForTimeout(400);
        await p.shot(page, "admin-directory-confirm", { fullPage: false });
      }
      await page.context().close();
    }
  } finally {
    setEnv(saved);
    await dir.close();
  }
}
