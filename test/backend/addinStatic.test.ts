import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { expect } from "chai";
import { ensureAddin, officeJsUrl } from "../../addin/scripts/buildAddin.js";
import { pngSize } from "../../addin/scripts/png.js";
import { projectRoot } from "#shared/build/paths.js";
import type { SendEventLike, SmartAlertsCompletion } from "../../addin/src/launchevents/onMessageSend.js";
import { ApiClient } from "../support/server.js";
import { FakeComposeItem, fakeOffice } from "../support/fakeOffice.js";

describe("add-in static files under /addin/", function () {
  this.timeout(30_000);
  let api: ApiClient;

  before(async () => {
    await ensureAddin();
    api = await ApiClient.create();
  });

  it("serves every /addin/ URL of manifest.xml except the task pane (not built yet)", async () => {
    const manifest = fs.readFileSync(path.join(projectRoot, "manifest.xml"), "utf8");
    const urls = new Set([...manifest.matchAll(/http:\/\/localhost:3000(\/addin\/[^"?<]+)/g)].map((m) => m[1]));
    urls.delete("/addin/taskpane.html");
    expect([...urls].sort()).to.deep.equal([
      "/addin/assets/icon-128.png",
      "/addin/assets/icon-144.png",
      "/addin/assets/icon-16.png",
      "/addin/assets/icon-25.png",
      "/addin/assets/icon-32.png",
      "/addin/assets/icon-48.png",
      "/addin/assets/icon-50.png",
      "/addin/assets/icon-64.png",
      "/addin/assets/icon-75.png",
      "/addin/assets/icon-80.png",
      "/addin/assets/icon-96.png",
      "/addin/commands.html",
      "/addin/launchevent.html",
      "/addin/launchevent.js",
    ]);
    for (const url of urls) {
      const res = await api.get(url);
      expect(res.status, url).to.equal(200);
    }
  });

  it("serves icons as PNG, readable by Outlook from another origin", async () => {
    const res = await fetch(`${api.baseUrl}/addin/assets/icon-80.png`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("image/png");
    expect(res.headers.get("cross-origin-resource-policy")).to.equal("cross-origin");
    expect(pngSize(new Uint8Array(await res.arrayBuffer()))).to.deep.equal({ width: 80, height: 80 });
  });

  it("lets Outlook frame the pages and load office.js from Microsoft, nothing else", async () => {
    const res = await api.get("/addin/launchevent.html");
    expect(res.headers.get("content-type")).to.contain("text/html");
    expect(res.text).to.contain(`<script src="${officeJsUrl}"></script>`);
    expect(res.text).to.contain('<script src="launchevent.js"></script>');
    expect(res.headers.get("x-frame-options")).to.equal(null);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).to.contain("frame-ancestors 'self' https://outlook.cloud.microsoft ");
    expect(csp).to.contain("script-src 'self' https://appsforoffice.microsoft.com;");
    expect(csp).to.contain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
    // Outlook on the web's documented origins, for every page Outlook shows (pane, dialog, events).
    for (const page of ["/addin/taskpane.html", "/addin/signin.html", "/addin/launchevent.html"]) {
      const served = await api.get(page);
      expect(served.status, page).to.equal(200);
      const ancestors = (/frame-ancestors ([^;]+)/.exec(served.headers.get("content-security-policy") ?? "") ?? [])[1];
      // Exactly Microsoft's documented hosts for Outlook and the Microsoft 365 app (docs/security.md).
      expect(ancestors?.split(" "), page).to.have.members([
        "'self'",
        "https://outlook.cloud.microsoft",
        "https://*.cloud.microsoft",
        "https://outlook.office.com",
        "https://outlook.office365.com",
        "https://outlook.live.com",
        "https://*.microsoft365.com",
        "https://*.office.com",
      ]);
      // Not Office on the web for documents, nor wildcards Microsoft does not list for Outlook.
      for (const broad of ["https://*.officeapps.live.com", "https://*.outlook.com", "https://*.office365.com", "*"])
        expect(ancestors?.split(" "), page).not.to.include(broad);
      expect(served.headers.get("x-frame-options"), page).to.equal(null);
    }
    // The sign-in dialog loads office.js the way the pane does, then its own bundle.
    const dialog = await api.get("/addin/signin.html");
    expect(dialog.text).to.contain(`<script src="${officeJsUrl}"></script>`);
    expect(dialog.text).to.contain('<script src="signin.js" defer></script>');
    expect((await api.get("/addin/signin.js")).status).to.equal(200);
    // The rest of the site keeps the strict defaults.
    const other = await api.get("/health");
    expect(other.headers.get("x-frame-options")).to.equal("DENY");
  });

  it("answers 404 for anything else under /addin/, including traversal attempts", async () => {
    for (const url of [
      "/addin/nope.js",
      "/addin/build.json",
      "/addin/%2e%2e/package.json",
      "/addin/..%2fpackage.json",
      "/addin/assets/../../package.json",
      "/addin/",
    ]) {
      const res = await api.get(url);
      expect(res.status, url).to.equal(404);
      expect(res.text).not.to.contain('"name": "kuvert"');
    }
  });

  it("the launch-event bundle runs without a DOM or newer built-ins and handles OnMessageSend", async () => {
    const res = await api.get("/addin/launchevent.js");
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.contain("javascript");
    for (const newer of ["(?<", "\\p{", "matchAll", "flatMap"]) expect(res.text, newer).not.to.contain(newer);

    const associated = new Map<string, (event: SendEventLike) => void>();
    const draft = new FakeComposeItem();
    draft.subjectText = "Remiss";
    draft.bodyHtml = "<p>Patienten 811218-9876 har fått diagnosen.</p>";
    const office = {
      ...fakeOffice(draft, { displayLanguage: "en-US" }),
      actions: { associate: (name: string, fn: (event: SendEventLike) => void) => void associated.set(name, fn) },
    };
    // A bare context: no window, document or fetch; ES2018+ built-ins removed.
    const context = vm.createContext({ Office: office, setTimeout, clearTimeout });
    vm.runInContext(
      "delete String.prototype.matchAll; delete Array.prototype.flatMap; delete Array.prototype.flat; delete Object.fromEntries;",
      context,
    );
    vm.runInContext(res.text, context, { filename: "launchevent.js" });
    expect([...associated.keys()]).to.deep.equal(["onMessageSendHandler"]);

    const calls: SmartAlertsCompletion[] = [];
    associated.get("onMessageSendHandler")!({ completed: (o) => void calls.push(o) });
    for (let i = 0; i < 100 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(calls).to.have.length(1);
    expect(calls[0].allowEvent).to.equal(false);
    expect(calls[0].errorMessage).to.contain("a personal identity number in the text");
    expect(calls[0].commandId).to.equal("kuvertComposeButton");
  });
});
