import { expect } from "chai";
import { buildUser, defaultPassword } from "../support/factories.js";
import { signInThroughUi, usePage } from "../support/browser.js";

describe("web composer (browser)", function () {
  this.timeout(60_000);
  const current = usePage();

  it("inserts the signature, shows per-file upload progress and cancels one upload while the other completes", async () => {
    const { page, context } = current();
    const me = await buildUser({ name: "Ulla Uppladdare" });
    await signInThroughUi(page, me.email, defaultPassword);
    // The personal signature (set in Settings) is one click away.
    await page.evaluate(async () => {
      const csrf = /(?:^|; )kuvert_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? "";
      await fetch("/api/account", { method: "PATCH", headers: { "Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent(csrf) }, body: JSON.stringify({ signature: "Ulla Uppladdare\nSundsvalls kommun" }) });
    });
    await page.goto("/compose");
    await page.getByTestId("compose-body").fill("Hej!");
    await page.getByTestId("insert-signature").click();
    expect(await page.getByTestId("compose-body").inputValue()).to.equal("Hej!\n\nUlla Uppladdare\nSundsvalls kommun");
    // A slow uplink (about 1 MB/s) so that progress can be seen and cancelled midway.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    await page.getByTestId("compose-files").setInputFiles([
      { name: "stor.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(8 * 1024 * 1024, 7) },
      { name: "liten.txt", mimeType: "text/plain", buffer: Buffer.from("liten fil") },
    ]);
    const big = page.getByTestId("upload").filter({ hasText: "stor.bin" });
    await page.waitForFunction(() => {
      const bar = [...document.querySelectorAll('[data-testid="upload"]')].find((el) => el.textContent?.includes("stor.bin"));
      const text = bar?.textContent ?? "";
      const m = /(\d+) %/.exec(text);
      return m !== null && Number(m[1]) > 0 && Number(m[1]) < 100;
    });
    expect(await big.getByRole("progressbar").count()).to.equal(1);
    await big.getByTestId("upload-cancel").click();
    await page.locator('[data-testid="upload"][data-status="cancelled"]').filter({ hasText: "stor.bin" }).waitFor();
    await page.locator('[data-testid="upload"][data-status="done"]').filter({ hasText: "liten.txt" }).waitFor();
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // The cancelled file is removed from the list; the finished one stays and can be removed too.
    await big.getByTestId("upload-remove").click();
    expect(await page.getByTestId("upload").count()).to.equal(1);
  });
});
