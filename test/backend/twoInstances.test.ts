import { expect } from "chai";
import crypto from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { Op } from "sequelize";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import { OutboxWorker } from "../../backend/src/outbox/worker.js";
import type { User } from "../../backend/src/models/User.js";
import { ApiClient } from "../support/server.js";
import { buildOrganisation, buildUser, defaultPassword } from "../support/factories.js";
import { runCli, startServerProcess, waitForExit } from "../support/processes.js";
import { startS3, s3Credentials, type TestS3 } from "../support/s3.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startTcpRelay, type TcpRelay } from "../support/tcpRelay.js";
import { sendDraft } from "../support/attachments.js";
import mysql from "mysql2/promise";
import { env } from "../../backend/src/env.js";
import { migrations } from "../../backend/src/migrations/index.js";

/**
 * Issue 11: Kuvert behind a load balancer is several processes on one MariaDB database and one
 * object store. Two real server processes (bin/start.js) on the suite's database, each with its
 * own outbox worker. SQLite is one file for one process (docs/operations.md), so this runs on
 * MariaDB only.
 */
const onMysql = process.env.TEST_DB === "mysql";

async function signInAt(url: string, user: Pick<User, "email">): Promise<ApiClient> {
  const api = new ApiClient(url);
  const res = await api.post("/api/auth/login", { email: user.email, password: defaultPassword });
  if (res.status !== 200 || res.body.next !== "done") throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  return api;
}

/** The same session (cookies) used against another instance. */
function sameSessionAt(api: ApiClient, url: string): ApiClient {
  const other = new ApiClient(url);
  for (const [k, v] of api.cookies) other.cookies.set(k, v);
  return other;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sendText(api: ApiClient, to: User, subject: string): Promise<void> {
  const res = await api.post("/api/messages", {
    to: [{ email: to.email }],
    subject,
    body: "Hej",
    options: { eyesOnly: false, idCheck: false, burnAfterReading: false },
  });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${res.text}`);
}

/** Message-IDs the SMTP server received, with how often each came. */
function deliveries(smtp: SmtpCatcher): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of smtp.mails) counts.set(m.parsed.messageId!, (counts.get(m.parsed.messageId!) ?? 0) + 1);
  return counts;
}

if (!onMysql) {
  describe("two instances on one database", () => {
    it.skip("runs on MariaDB only (TEST_DB=mysql): two processes on one SQLite file is not a supported deployment");
  });
}

(onMysql ? describe : describe.skip)("two instances on one MariaDB database and one S3 endpoint", function () {
  this.timeout(180_000);
  let s3: TestS3;
  let smtp: SmtpCatcher;
  let relay: TcpRelay;
  let one: { child: ChildProcess; url: string };
  let two: { child: ChildProcess; url: string };
  let sender: User;
  let senderOn1: ApiClient;

  before(async () => {
    // A worker left running in this process by an earlier suite would compete for the entries.
    await Promise.all([...OutboxWorker.running].map((w) => w.stop()));
    s3 = await startS3(["kuvert-two"]);
    smtp = await startSmtpCatcher();
    // Instance 1 reaches the SMTP server through a relay the test can hang (step 4).
    relay = await startTcpRelay(smtp.port);
    const common = {
      ...s3Credentials,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      BLOB_STORE_SE: s3.config("kuvert-two"),
      WORKER_INTERVAL_MS: "50",
      PUBLIC_URL: "http://kuvert.test",
      RATE_LIMIT_LOGIN_IP_POINTS: "100000",
      RATE_LIMIT_SEARCH_USER_POINTS: "4",
    };
    // Instance 1's claims lapse after 4 s (step 4 kills it holding some); instance 2's after 60 s.
    [one, two] = await Promise.all([
      startServerProcess({ ...common, SMTP_URL: `smtp://127.0.0.1:${relay.port}`, OUTBOX_LEASE_MS: "4000" }, 90_000),
      startServerProcess({ ...common, SMTP_URL: smtp.url, OUTBOX_LEASE_MS: "60000" }, 90_000),
    ]);
    const organisation = await buildOrganisation();
    sender = await buildUser({ organisation });
    senderOn1 = await signInAt(one.url, sender);
  });

  after(async () => {
    for (const p of [one, two]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) {
        const { child } = p;
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.kill("SIGTERM");
        await waitForExit(child);
        clearTimeout(timer);
      }
    }
    await relay?.close();
    await smtp?.close();
    await s3?.stop();
  });

  it("a message with an attachment sent through instance 1 is read and downloaded through instance 2", async () => {
    const recipient = await buildUser();
    const draft = await senderOn1.post("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    const draftId = draft.body.id as string;
    const data = crypto.randomBytes(300_000);
    const up = await senderOn1.request("POST", `/api/messages/${draftId}/attachments`, new Uint8Array(data), {
      "Content-Type": "application/pdf",
      "X-File-Name": encodeURIComponent("Beslut.pdf"),
    });
    expect(up.status, up.text).to.equal(201);
    await sendDraft(senderOn1, draftId, [recipient]);
    expect((await s3.keys("kuvert-two")).length, "the attachment is on the shared S3 endpoint").to.be.greaterThan(0);

    const recipientOn2 = await signInAt(two.url, recipient);
    const msg = await recipientOn2.get(`/api/messages/${draftId}`);
    expect(msg.status, msg.text).to.equal(200);
    expect(msg.body.attachments).to.deep.equal([
      { id: up.body.id, name: "Beslut.pdf", type: "application/pdf", size: data.length },
    ]);
    const res = await fetch(`${two.url}/api/messages/${draftId}/attachments/${String(up.body.id)}`, {
      headers: { Cookie: recipientOn2.cookieHeader() },
    });
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(data), "byte-identical through instance 2").to.equal(true);
  });

  it("a session made on instance 1 works on instance 2, with the unlocked keys", async () => {
    const recipient = await buildUser();
    await sendText(senderOn1, recipient, "Sessionen");
    const senderOn2 = sameSessionAt(senderOn1, two.url);
    const sent = await senderOn2.get<{ items: Array<{ subject: string }> }>("/api/mailbox/sent");
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.body.items.map((i) => i.subject)).to.include("Sessionen");
    // A write (CSRF double submit) through instance 2 with the session from instance 1.
    const draft = await senderOn2.post("/api/messages/drafts", {});
    expect(draft.status, draft.text).to.equal(201);
    // Signed out on instance 2: instance 1 no longer accepts the session either.
    const out = await senderOn2.post("/api/auth/logout", {});
    expect(out.status, out.text).to.be.oneOf([200, 204]);
    const after = await new ApiClient(one.url).get("/api/mailbox/sent", { Cookie: senderOn1.cookieHeader() });
    expect(after.status).to.equal(401);
    senderOn1 = await signInAt(one.url, sender);
  });

  it("a per-user rate limit counts the requests on both instances", async () => {
    const user = await buildUser();
    const on1 = await signInAt(one.url, user);
    const on2 = sameSessionAt(on1, two.url);
    // RATE_LIMIT_SEARCH_USER_POINTS=4 per minute on each: two searches on each use them up.
    for (const api of [on1, on2, on1, on2]) {
      const res = await api.get("/api/mailbox/inbox?q=kuvert");
      expect(res.status, res.text).to.equal(200);
    }
    for (const api of [on1, on2]) {
      const res = await api.get("/api/mailbox/inbox?q=kuvert");
      expect(res.status, res.text).to.equal(429);
      expect(res.body.error).to.equal("rate_limited");
    }
  });

  it("30 notifications sent through both instances, both workers running: each arrives exactly once", async () => {
    const firstId = ((await OutboxEntry.max("id")) as number | null) ?? 0;
    const before = smtp.mails.length;
    const recipients = await Promise.all(Array.from({ length: 10 }, () => buildUser()));
    const senderOn2 = await signInAt(two.url, sender);
    // Sent at once, half through each instance: each instance's worker is woken by its own sends.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => sendText(i % 2 ? senderOn2 : senderOn1, recipients[i % 10], `Nr ${i}`)),
    );
    const rows = await until("30 notifications sent", async () => {
      const all = await OutboxEntry.findAll({ where: { id: { [Op.gt]: firstId } } });
      return all.length === 30 && all.every((r) => r.status === "sent") && all;
    });
    // Let any late duplicate show up before counting.
    await new Promise((r) => setTimeout(r, 500));
    const to = new Set(recipients.map((r) => r.email));
    const got = smtp.mails.slice(before).filter((m) => to.has(m.envelopeTo[0]));
    expect(got).to.have.length(30);
    const ids = new Set(rows.map((r) => r.messageId));
    const counts = deliveries(smtp);
    for (const id of ids) expect(counts.get(id!), `deliveries of ${id}`).to.equal(1);
    for (const r of recipients) {
      expect(
        got.filter((m) => m.envelopeTo[0] === r.email),
        r.email,
      ).to.have.length(3);
    }
    expect(new Set(rows.map((r) => r.claimedBy)).size, "both workers delivered some").to.equal(2);
    expect(rows.every((r) => r.attempts === 1)).to.equal(true);
  });

  it("instance 1 killed (SIGKILL) holding claims: instance 2 takes them over when the lease ends, each arrives once", async () => {
    const firstId = ((await OutboxEntry.max("id")) as number | null) ?? 0;
    const recipients = await Promise.all(Array.from({ length: 6 }, () => buildUser()));
    relay.hang(); // instance 1's SMTP conversations stall from here on
    // Through instance 1, so its own worker is woken at once and claims (instance 2's may take some too).
    await Promise.all(recipients.map((r, i) => sendText(senderOn1, r, `Kill ${i}`)));
    // Instance 1's claims are those on its 4-second lease (instance 2 claims for 60 s).
    const held = await until("instance 1 to hold claims", async () => {
      const sending = await OutboxEntry.findAll({ where: { id: { [Op.gt]: firstId }, status: "sending" } });
      const mine = sending.filter((r) => r.leaseUntil!.getTime() < Date.now() + 10_000);
      return mine.length > 0 && mine;
    });
    one.child.kill("SIGKILL");
    await waitForExit(one.child);
    await relay.close();

    const rows = await until(
      "instance 2 to deliver everything",
      async () => {
        const all = await OutboxEntry.findAll({ where: { id: { [Op.gt]: firstId } } });
        return all.length === 6 && all.every((r) => r.status === "sent") && all;
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    const counts = deliveries(smtp);
    for (const r of rows) expect(counts.get(r.messageId!), `deliveries of ${r.messageId}`).to.equal(1);
    for (const r of recipients) {
      expect(
        smtp.mails.filter((m) => m.envelopeTo[0] === r.email),
        r.email,
      ).to.have.length(1);
    }
    for (const h of held) {
      const row = rows.find((r) => r.id === h.id)!;
      expect(row.attempts, "taken over after the lapsed claim").to.equal(2);
      expect(row.claimedBy).not.to.equal(h.claimedBy);
    }
    // Instance 2 goes on answering.
    expect((await fetch(`${two.url}/health`)).status).to.equal(200);
  });
});

(onMysql ? describe : describe.skip)(
  "instances of a new version starting at once on one MariaDB database",
  function () {
    this.timeout(180_000);

    it("three `kuvert migrate` at the same moment on an empty database: all succeed, each migration applied once", async () => {
      const server = new URL(env().DATABASE_URL);
      const name = `${server.pathname.slice(1)}_mig_${crypto.randomBytes(3).toString("hex")}`;
      server.pathname = "/";
      const admin = await mysql.createConnection(server.toString());
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      try {
        const fresh = new URL(server);
        fresh.pathname = `/${name}`;
        const runs = await Promise.all([1, 2, 3].map(() => runCli(["migrate"], { DATABASE_URL: fresh.toString() })));
        for (const r of runs) expect(r.code, r.stderr + r.stdout).to.equal(0);
        const [rows] = (await admin.query(`SELECT name FROM \`${name}\`.schema_migrations`)) as unknown as [
          Array<{ name: string }>,
        ];
        expect(rows.map((r) => r.name).sort()).to.deep.equal(migrations.map((m) => m.name).sort());
        // Exactly one of them applied them all; the others found nothing left to do.
        const applied = runs.map((r) => (JSON.parse(r.stdout) as { applied: string[] }).applied.length);
        expect(applied.sort((a, b) => a - b)).to.deep.equal([0, 0, migrations.length]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      }
    });
  },
);
