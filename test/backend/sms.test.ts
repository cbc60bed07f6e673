import http from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { httpSmsProvider } from "../../backend/src/services/sms/httpProvider.js";
import { elksSmsProvider } from "../../backend/src/services/sms/elksProvider.js";
import { fileSmsProvider } from "../../backend/src/services/sms/fileProvider.js";
import { DeliveryError } from "../../backend/src/services/delivery.js";
import { transaction } from "../../backend/src/db.js";
import { enqueueSms } from "../../backend/src/outbox/enqueue.js";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { clearTables } from "../support/db.js";
import { testWorker } from "../support/outbox.js";
import { advanceClock } from "../support/clock.js";

async function expectDeliveryError(p: Promise<unknown>, permanent: boolean): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).to.equal(permanent);
    return err as DeliveryError;
  }
  throw new Error("expected a DeliveryError");
}

describe("SMS providers", () => {
  let catcher: SmsCatcher;
  before(async () => {
    catcher = await startSmsCatcher();
  });
  after(() => catcher.close());
  beforeEach(() => {
    catcher.messages.length = 0;
    catcher.failWith = [];
    catcher.hang = 0;
  });

  describe("http", () => {
    const provider = () => httpSmsProvider({ url: catcher.url, token: "t0ken-abc", from: "Kuvert", timeoutMs: 300 });

    it("POSTs {from,to,message} as JSON with the bearer token", async () => {
      await provider().send({ to: "+46701234567", message: "Din kod: 123456", idempotencyKey: "outbox-1" });
      expect(catcher.messages).to.have.length(1);
      const m = catcher.messages[0];
      expect(m).to.include({ from: "Kuvert", to: "+46701234567", message: "Din kod: 123456" });
      expect(m.authorization).to.equal("Bearer t0ken-abc");
      expect(m.contentType).to.match(/^application\/json/);
      expect(m.idempotencyKey).to.equal("outbox-1");
    });

    it("treats 5xx, 429 and time-outs as retryable and other 4xx as permanent", async () => {
      catcher.failWith = [503];
      await expectDeliveryError(provider().send({ to: "+46700000001", message: "x", idempotencyKey: "k" }), false);
      catcher.failWith = [429];
      await expectDeliveryError(provider().send({ to: "+46700000001", message: "x", idempotencyKey: "k" }), false);
      catcher.hang = 1;
      const timeout = await expectDeliveryError(
        provider().send({ to: "+46700000001", message: "x", idempotencyKey: "k" }),
        false,
      );
      expect(timeout.message).to.match(/timed out/);
      catcher.failWith = [401];
      await expectDeliveryError(provider().send({ to: "+46700000001", message: "x", idempotencyKey: "k" }), true);
      await expectDeliveryError(
        httpSmsProvider({ url: "http://127.0.0.1:9/none", from: "Kuvert", timeoutMs: 300 }).send({
          to: "+46700000001",
          message: "x",
          idempotencyKey: "k",
        }),
        false,
      );
    });

    it("is retried by the outbox after a 5xx and a time-out, then delivered once", async () => {
      await clearTables("outbox_entries");
      catcher.failWith = [502];
      catcher.hang = 0;
      const entry = await transaction((t) =>
        enqueueSms(t, { to: "+46709999999", template: "code", locale: "sv", vars: { code: "654321", minutes: 10 } }),
      );
      const worker = testWorker({ smtpUrl: "smtp://127.0.0.1:9", smsUrl: catcher.url });
      await worker.runOnce(); // 502
      catcher.hang = 1;
      advanceClock(200); // the test worker's backoff cap
      // The test worker's provider times out after 2 s.
      await worker.runOnce();
      advanceClock(200);
      await worker.runOnce();
      const row = (await OutboxEntry.findByPk(entry.id))!;
      expect(row.status).to.equal("sent");
      expect(row.attempts).to.equal(3);
      expect(catcher.messages.filter((m) => m.to === "+46709999999")).to.have.length(1);
      expect(catcher.messages[0].message).to.contain("654321");
    }).timeout(15_000);
  });

  describe("46elks", () => {
    it("POSTs form-encoded from/to/message with basic auth and keeps their id", async () => {
      let seen: { auth?: string; type?: string; body: string } = { body: "" };
      const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          seen = { auth: req.headers.authorization, type: req.headers["content-type"], body };
          res
            .writeHead(200, { "Content-Type": "application/json" })
            .end('{"id":"s17a6dafb12d6b1cabc053d57dac2b9d8","status":"created"}');
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a1/sms`;
        const provider = elksSmsProvider({ url, username: "u123", password: "p456", from: "Kuvert", timeoutMs: 1000 });
        const r = await provider.send({ to: "+46701112233", message: "Kod 111222 å", idempotencyKey: "outbox-9" });
        expect(r.providerId).to.equal("s17a6dafb12d6b1cabc053d57dac2b9d8");
        expect(seen.auth).to.equal(`Basic ${Buffer.from("u123:p456").toString("base64")}`);
        expect(seen.type).to.equal("application/x-www-form-urlencoded");
        const form = new URLSearchParams(seen.body);
        expect(form.get("from")).to.equal("Kuvert");
        expect(form.get("to")).to.equal("+46701112233");
        expect(form.get("message")).to.equal("Kod 111222 å");
      } finally {
        server.close();
      }
    });
  });

  describe("file", () => {
    it("appends one JSON line per SMS", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuvert-sms-"));
      const provider = fileSmsProvider(dir, "Kuvert");
      await provider.send({ to: "+46700000001", message: "one", idempotencyKey: "a" });
      await provider.send({ to: "+46700000002", message: "two", idempotencyKey: "b" });
      const lines = fs
        .readFileSync(path.join(dir, "sms.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { to: string; message: string });
      expect(lines.map((l) => [l.to, l.message])).to.deep.equal([
        ["+46700000001", "one"],
        ["+46700000002", "two"],
      ]);
      fs.rmSync(dir, { recursive: true });
    });
  });
});
