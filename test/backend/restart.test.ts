import net from "node:net";
import { expect } from "chai";
import { transaction } from "../../backend/src/db.js";
import { enqueueEmail } from "../../backend/src/outbox/enqueue.js";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import { startSmtpCatcher } from "../support/smtp.js";
import { startServerProcess, waitForExit } from "../support/processes.js";
import { clearTables } from "../support/db.js";

/** A TCP server that accepts connections and never greets: an SMTP server that hangs. */
async function blackHole(): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

describe("the server process across restarts", function () {
  this.timeout(120_000);

  it("delivers a queued notification exactly once despite a hard kill mid-delivery and a restart", async () => {
    await clearTables("outbox_entries");
    const entry = await transaction((t) =>
      enqueueEmail(t, {
        to: "restart@example.test",
        template: "notification",
        locale: "sv",
        vars: { link: "http://kuvert.test/r/abc" },
      }),
    );

    // 1. The first instance claims the entry and hangs inside the SMTP conversation; we kill -9 it.
    const hole = await blackHole();
    const first = await startServerProcess({
      SMTP_URL: `smtp://127.0.0.1:${hole.port}`,
      WORKER_INTERVAL_MS: "50",
      OUTBOX_LEASE_MS: "1500",
    });
    const deadline = Date.now() + 15_000;
    while ((await OutboxEntry.findByPk(entry.id))!.status !== "sending") {
      if (Date.now() > deadline) throw new Error("first instance never claimed the entry");
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill("SIGKILL");
    await waitForExit(first.child);
    hole.close();

    // 2. A new instance with a working SMTP server takes the entry over once its lease lapses.
    const smtp = await startSmtpCatcher();
    try {
      const second = await startServerProcess({
        SMTP_URL: smtp.url,
        WORKER_INTERVAL_MS: "50",
        OUTBOX_LEASE_MS: "1500",
      });
      await smtp.waitFor((m) => m.envelopeTo[0] === "restart@example.test", 20_000);
      second.child.kill("SIGTERM");
      expect(await waitForExit(second.child)).to.equal(0);

      // 3. A third instance finds nothing left to send: once it has delivered a later entry (so its
      // worker has run), the first one has still gone out exactly once.
      const third = await startServerProcess({ SMTP_URL: smtp.url, WORKER_INTERVAL_MS: "50" });
      await transaction((t) =>
        enqueueEmail(t, {
          to: "probe@example.test",
          template: "notification",
          locale: "sv",
          vars: { link: "http://kuvert.test/r/def" },
        }),
      );
      await smtp.waitFor((m) => m.envelopeTo[0] === "probe@example.test", 20_000);
      third.child.kill("SIGTERM");
      await waitForExit(third.child);

      expect(smtp.mails.filter((m) => m.envelopeTo[0] === "restart@example.test")).to.have.length(1);
      const row = (await OutboxEntry.findByPk(entry.id))!;
      expect(row.status).to.equal("sent");
      expect(row.attempts).to.equal(2);
    } finally {
      await smtp.close();
    }
  });

  it("stops gracefully on SIGTERM: requests in flight finish, the process exits 0", async () => {
    const server = await startServerProcess({ WORKER_ENABLED: "false" });
    const inFlight = fetch(`${server.url}/health`);
    server.child.kill("SIGTERM");
    const res = await inFlight.catch(() => null);
    if (res) expect(res.status).to.equal(200);
    expect(await waitForExit(server.child)).to.equal(0);
  });

  it("refuses to start with a bad configuration and names the variable", async () => {
    const { spawnSync } = await import("node:child_process");
    const { root, childEnv } = await import("../support/processes.js");
    const r = spawnSync(process.execPath, ["bin/start.js"], {
      cwd: root,
      env: childEnv({ PORT: "not-a-port" }),
      encoding: "utf8",
    });
    expect(r.status).to.equal(78);
    expect(r.stderr).to.match(/Configuration error: PORT/);
  });
});
