/**
 * A big file picked in the real task pane (dist/addin/taskpane.js) inside the fake Outlook host
 * (fakeOffice.ts via officeInPage.ts): the pane encrypts and uploads it a chunk at a time
 * through the resumable pre-encrypted upload, so the page's memory stays bounded (sampled over
 * CDP during the upload), a lost chunk is sent again, the recipient downloads the file intact
 * (SHA-256), and Cancel abandons the upload on the server. Used by
 * test/browser/addin-paneUpload.test.ts (a 20 MiB file, every run) and
 * test/slow/addin-pane-200mb.test.ts (200 MiB, with the memory bound).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import type { CDPSession, Page } from "playwright-core";
import { ensureAddin } from "../../addin/scripts/buildAddin.js";
import { officeJsOrigin } from "#shared/officeHosts.js";
import { env } from "../../backend/src/env.js";
import { transaction } from "../../backend/src/db.js";
import { issueApiToken } from "../../backend/src/services/apiTokens.js";
import { Attachment } from "../../backend/src/models/Attachment.js";
import { AttachmentUpload } from "../../backend/src/models/AttachmentUpload.js";
import { Message } from "../../backend/src/models/Message.js";
import type { User } from "../../backend/src/models/User.js";
import { buildUser } from "./factories.js";
import { signIn } from "./auth.js";
import { installOutlookHost } from "./officeInPage.js";
import type { PageGlobals } from "./officeInPageEntry.js";
import type { FakeComposeItem } from "./fakeOffice.js";
import { hasHorizontalScroll, seriousAxeViolations, usePage } from "./browser.js";

export const MiB = 1024 * 1024;

export interface PaneUploadOptions {
  /** Bytes of the picked file. */
  size: number;
  /** Bounds on the page's memory growth during the upload (null: measured, not checked). */
  memoryBound: { live: number; raw: number } | null;
  timeout: number;
}

function blobFiles(): string[] {
  const config = env().BLOB_STORE;
  const root = config.startsWith("file://") ? fileURLToPath(config) : config.slice("file:".length);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

interface HeapSample {
  used: number;
  backing: number;
}

/** The renderer's JS heap and ArrayBuffer backing stores (Runtime.getHeapUsage). */
async function heap(cdp: CDPSession): Promise<HeapSample> {
  const h = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
  return { used: h.usedSize, backing: h.backingStorageSize ?? 0 };
}

export function describePaneUpload(title: string, opts: PaneUploadOptions): void {
  describe(title, function () {
    const FILE_SIZE = opts.size;
    const chunks = Math.ceil(FILE_SIZE / (8 * MiB));
    const name = `arkiv-${(FILE_SIZE / MiB).toFixed(0)}MiB.bin`;
    this.timeout(opts.timeout);
    const current = usePage({ viewport: { width: 360, height: 900 } });
    let sender: User;
    let alice: User;
    let dir: string;
    let file: string;
    let fileHash: string;

    before(async function () {
      this.timeout(180_000);
      await ensureAddin();
      sender = await buildUser({ name: "Sara Sändare" });
      alice = await buildUser({ name: "Alice" });
      // The file on disk (the pane gets it by path, as a user's picked file).
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-pane-file-"));
      file = path.join(dir, name);
      const hash = crypto.createHash("sha256");
      const fd = fs.openSync(file, "w");
      const block = crypto.randomBytes(8 * MiB);
      for (let i = 0, left = FILE_SIZE; left > 0; i++, left -= block.length) {
        block.writeUInt32BE(i, 0); // no two blocks alike
        const piece = block.subarray(0, Math.min(left, block.length));
        fs.writeSync(fd, piece);
        hash.update(piece);
      }
      fs.closeSync(fd);
      fileHash = hash.digest("hex");
    });

    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The pane in the fake Outlook; `outlookFile`: an attachment already in the Outlook item. */
    async function openPane(page: Page, displayLanguage = "sv-SE", outlookFile: Buffer | null = null): Promise<void> {
      const { token } = await transaction((t) => issueApiToken(t, sender, "Outlook add-in (test)"));
      await page.route(`${officeJsOrigin}/**`, (route) =>
        route.fulfill({ status: 200, contentType: "text/javascript", body: "" }),
      );
      await installOutlookHost(page, { displayLanguage, sets: {}, naa: null, legacy: null });
      await page.addInitScript((t: string) => localStorage.setItem("kuvert.addin.token", t), token);
      await page.goto("/addin/taskpane.html?mode=compose");
      await page.evaluate(
        ({ to, attachment }) => {
          const item = (window as unknown as PageGlobals).__host.office.context.mailbox
            .item as unknown as FakeComposeItem;
          item.toList.push({ emailAddress: to, displayName: "Alice" });
          item.subjectText = "Arkivet";
          item.bodyHtml = "<p>Här är hela arkivet.</p>";
          if (attachment)
            item.attachmentList.push({
              id: "att-1",
              name: "beslut.pdf",
              contentType: "application/pdf",
              content: attachment,
            });
        },
        { to: alice.email, attachment: outlookFile?.toString("base64") ?? null },
      );
      await page.getByTestId("signed-in-as").waitFor({ timeout: 30_000 });
      // office.js is in: no more interception (Playwright hands every intercepted request body,
      // 8 MiB per chunk, to the test process, which would slow the upload down several times).
      await page.unrouteAll();
    }

    it("is encrypted and uploaded in chunks with bounded page memory, a lost chunk is sent again, and Alice downloads it intact", async () => {
      const { page, errors } = current();
      await openPane(page);
      const chunkPuts: string[] = [];
      page.on("request", (r) => {
        if (r.method() === "PUT" && /\/uploads\/[^/]+\/chunks\/\d+$/.test(r.url())) chunkPuts.push(r.url());
      });
      // The connection drops during chunk 1 once: the pane asks the server and sends it again.
      let dropped = 0;
      const chunk1 = /\/chunks\/1$/;
      await page.route(chunk1, async (route) => {
        if (dropped++ === 0) return route.abort("connectionreset");
        await route.continue();
        await page.unroute(chunk1); // the rest of the upload goes uninterrupted
      });
      let draftId = "";
      page.on("response", (r) => {
        if (r.request().method() === "POST" && r.url().endsWith("/api/messages/drafts"))
          void r.json().then((b: { id: string }) => (draftId = b.id));
      });

      // Two measures per sample: the heap as it is (`raw`: with garbage V8 has not collected yet,
      // whose peak follows the collector's timing) and, right after a forced collection, what the
      // page still holds (`live`). Both are bounded; neither may come near the file's size.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("HeapProfiler.collectGarbage");
      const base = await heap(cdp);
      const raw: HeapSample[] = [];
      const live: HeapSample[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          raw.push(await heap(cdp).catch(() => ({ used: 0, backing: 0 })));
          await cdp.send("HeapProfiler.collectGarbage").catch(() => undefined);
          live.push(await heap(cdp).catch(() => ({ used: 0, backing: 0 })));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      const started = Date.now();
      await page.getByTestId("add-files").setInputFiles(file);
      await page.getByTestId("send-securely").click();
      await page
        .getByTestId("send-done")
        .waitFor({ timeout: 240_000 })
        .catch(async (err: Error) => {
          const text = await page
            .getByTestId("send-error")
            .textContent()
            .catch(() => null);
          throw new Error(`${text ?? err.message} ${errors.join("; ")}`);
        });
      const seconds = (Date.now() - started) / 1000;
      sampling = false;
      await sampler;

      const total = (x: HeapSample) => x.used + x.backing;
      const idle = total(base);
      const growth = (xs: HeapSample[]) => Math.max(...xs.map(total)) - idle;
      const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
      process.stdout.write(
        `      [${(FILE_SIZE / MiB).toFixed(0)} MiB from the pane: ${seconds.toFixed(1)} s, ${live.length} samples; ` +
          `idle ${mib(idle)}; peak growth live ${mib(growth(live))}, raw ${mib(growth(raw))} ` +
          `(JS heap ${mib(Math.max(...raw.map((x) => x.used)))}, backing stores ${mib(Math.max(...raw.map((x) => x.backing)))})]\n`,
      );
      if (opts.memoryBound !== null) {
        expect(live.length, "sampled during the upload").to.be.greaterThan(10);
        expect(growth(live), "what the page holds during the upload").to.be.lessThan(opts.memoryBound.live);
        expect(growth(raw), "the heap with garbage not yet collected").to.be.lessThan(opts.memoryBound.raw);
        // Nothing of the file stays behind once the upload is done.
        await cdp.send("HeapProfiler.collectGarbage");
        const after = await heap(cdp);
        expect(total(after) - idle, "retained after the upload").to.be.lessThan(16 * MiB);
      }

      // Every chunk once, chunk 1 twice (the first attempt's connection dropped).
      expect(chunkPuts).to.have.length(chunks + 1);
      expect(chunkPuts.filter((u) => u.endsWith("/chunks/1"))).to.have.length(2);
      expect(await page.getByTestId("upload-progress").textContent()).to.contain(`${name}: 100 %`);
      const host = await page.evaluate(() => {
        const item = (window as unknown as PageGlobals).__host.office.context.mailbox
          .item as unknown as FakeComposeItem;
        return { sent: item.sent, subject: item.subjectText };
      });
      expect(host).to.deep.equal({ sent: true, subject: "Du har fått ett säkert meddelande" });
      expect(await AttachmentUpload.count({ where: { messageId: draftId } })).to.equal(0);

      // Alice reads the message and downloads the file; the hash is the file's.
      const api = await signIn(alice);
      const got = await api.get<{ attachments: Array<{ id: string; name: string; size: number }> }>(
        `/api/messages/${draftId}`,
      );
      expect(got.status, got.text).to.equal(200);
      expect(got.body.attachments.map((a) => [a.name, a.size])).to.deep.equal([[name, FILE_SIZE]]);
      const res = await fetch(`${api.baseUrl}/api/messages/${draftId}/attachments/${got.body.attachments[0].id}`, {
        headers: { Cookie: api.cookieHeader() },
      });
      expect(res.status).to.equal(200);
      const hash = crypto.createHash("sha256");
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.length;
      }
      expect(bytes).to.equal(FILE_SIZE);
      expect(hash.digest("hex")).to.equal(fileHash);
    });

    it("Cancel mid-upload: the upload is abandoned on the server (no chunk, no row, nothing to read); the item is untouched", async () => {
      const { page } = current();
      // In English, with an Outlook attachment that goes first (in one PUT) and must go too.
      await openPane(page, "en-GB", crypto.randomBytes(50_000));
      let draftId = "";
      page.on("response", (r) => {
        if (r.request().method() === "POST" && r.url().endsWith("/api/messages/drafts"))
          void r.json().then((b: { id: string }) => (draftId = b.id));
      });
      const before = blobFiles();
      // Chunk 1 is held until Cancel was pressed: the pane cancels mid-upload, whatever the speed.
      let cancelled!: () => void;
      const cancelPressed = new Promise<void>((r) => (cancelled = r));
      await page.route(/\/chunks\/1$/, async (route) => {
        await cancelPressed;
        await route.continue().catch(() => undefined); // the pane has aborted it
      });
      await page.getByTestId("add-files").setInputFiles(file);
      const chunk0 = page.waitForResponse((r) => /\/chunks\/0$/.test(r.url()) && r.status() === 200);
      await page.getByTestId("send-securely").click();
      const uploadId = /\/uploads\/([^/]+)\/chunks\//.exec((await chunk0).url())![1];
      expect(await AttachmentUpload.count({ where: { id: uploadId } })).to.equal(1);
      // Mid-upload: a percentage per file and in total, and Cancel; accessible, no sideways scroll at 360 px.
      const bars = await page.getByTestId("upload-progress").allTextContents();
      expect(bars).to.have.length(2);
      expect(bars[0]).to.contain("beslut.pdf: 100%");
      expect(bars[1]).to.match(new RegExp(`${name}: \\d+%`));
      expect(await page.getByTestId("upload-progress-total").textContent()).to.match(/Total: \d+%/);
      expect(await seriousAxeViolations(page)).to.deep.equal([]);
      expect(await hasHorizontalScroll(page)).to.equal(false);
      if (process.env.PANE_SCREENSHOT) await page.screenshot({ path: process.env.PANE_SCREENSHOT, fullPage: true });
      await page.getByTestId("cancel-send").click();
      cancelled();
      const error = page.getByTestId("send-error");
      await error.waitFor({ timeout: 30_000 });
      expect(await error.textContent()).to.contain("Sending was cancelled. Nothing was sent");
      expect(await page.getByTestId("cancel-send").count()).to.equal(0);

      // The DELETE has run before the pane says so: nothing of the upload is left.
      expect(await AttachmentUpload.count({ where: { id: uploadId } })).to.equal(0);
      expect(await Attachment.count({ where: { messageId: draftId } })).to.equal(0);
      // A chunk still arriving when the upload went is removed by the server as it finds the upload gone.
      const left = () => blobFiles().filter((f) => !before.includes(f));
      for (let i = 0; i < 100 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(left(), "chunk blobs left behind").to.deep.equal([]);
      const { token } = await transaction((t) => issueApiToken(t, sender, "check"));
      const state = await fetch(`${current().baseUrl}/api/messages/${draftId}/attachments/uploads/${uploadId}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(state.status).to.equal(404);
      const raw = await fetch(`${current().baseUrl}/api/messages/${draftId}/attachments/${uploadId}/ciphertext`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(raw.status).to.equal(404);
      const host = await page.evaluate(() => {
        const item = (window as unknown as PageGlobals).__host.office.context.mailbox
          .item as unknown as FakeComposeItem;
        return { sent: item.sent, subject: item.subjectText };
      });
      expect(host).to.deep.equal({ sent: false, subject: "Arkivet" });

      // No empty encrypted draft is left behind: the draft the send made is gone from Drafts.
      expect(draftId, "the pane made a draft").to.match(/^[0-9a-f-]{36}$/);
      const drafts = await (await signIn(sender)).get<{ items: Array<{ id: string }> }>("/api/mailbox/drafts");
      expect(drafts.status, drafts.text).to.equal(200);
      expect(drafts.body.items.map((i) => i.id)).to.not.include(draftId);
      expect(await Message.count({ where: { senderId: sender.id, state: "draft" } })).to.equal(0);
    });
  });
}
