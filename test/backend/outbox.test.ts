import { expect } from "chai";
import { Op } from "sequelize";
import { transaction } from "../../backend/src/db.js";
import { enqueueEmail, enqueueSms } from "../../backend/src/outbox/enqueue.js";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { smtpTransport } from "../../backend/src/services/mail/transport.js";
import { httpSmsProvider } from "../../backend/src/services/sms/httpProvider.js";
import type { MailTransport } from "../../backend/src/services/mail/index.js";
import { env } from "../../backend/src/env.js";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { startSmtpCatcher, type CapturedMail, type SmtpCatcher } from "../support/smtp.js";
import { User } from "../../backend/src/models/User.js";
import { buildOrganisation, buildUser } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import type { ApiClient } from "../support/server.js";
import { drain } from "../support/outbox.js";
import { childEnv, root, startServerProcess, waitForExit } from "../support/processes.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { clearTables } from "../support/db.js";
import { advanceClock, useFakeNow } from "../support/clock.js";

/** The test workers' backoff cap: a retry is due at most this long after a failure. */
const BACKOFF_CAP_MS = 5;
/** The test workers' retry window: entries are given up this long after they were queued. */
const RETRY_FOR_MS = 10_000;

/** Workers made by a test, stopped after it (pooled SMTP connections are closed). */
const made: OutboxWorker[] = [];

function worker(
  mail: MailTransport,
  smsUrl: string,
  overrides: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {},
) {
  const w = new OutboxWorker({
    mail,
    sms: httpSmsProvider({ url: smsUrl, token: "sms-secret-token", from: "Kuvert", timeoutMs: 300 }),
    intervalMs: 50,
    retryForMs: RETRY_FOR_MS,
    backoffBaseMs: 1,
    backoffCapMs: BACKOFF_CAP_MS,
    leaseMs: 60_000,
    ...overrides,
  });
  made.push(w);
  return w;
}

async function queueNotification(to: string, link = "http://kuvert.test/r/secret-link-token") {
  return transaction((t) =>
    enqueueEmail(t, {
      to,
      template: "notification",
      locale: "sv",
      vars: { link, senderName: "Anna <Socialtjänsten>", orgName: "Demo kommun" },
      reference: "test:1",
    }),
  );
}

async function reload(id: number) {
  return (await OutboxEntry.findByPk(id))!;
}

describe("outbox", () => {
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;

  before(async () => {
    // A worker left running by an earlier suite would compete for this suite's entries.
    await Promise.all([...OutboxWorker.running].map((w) => w.stop()));
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
  });
  after(async () => {
    await smtp.close();
    await sms.close();
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((w) => w.stop()));
  });
  beforeEach(async () => {
    await clearTables("outbox_entries");
    smtp.mails.length = 0;
    smtp.rejectWith = null;
    smtp.delayMs = 0;
    sms.messages.length = 0;
    sms.failWith = [];
    sms.hang = 0;
  });

  it("writes nothing when the causing transaction rolls back", async () => {
    await transaction(async (t) => {
      await enqueueEmail(t, { to: "a@example.test", template: "notification", locale: "en", vars: { link: "x" } });
      throw new Error("rollback");
    }).catch(() => undefined);
    expect(await OutboxEntry.count()).to.equal(0);
  });

  it("keeps the payload sealed at rest and erases it after delivery", async () => {
    const entry = await queueNotification("citizen@example.test");
    const raw = await reload(entry.id);
    expect(raw.payload).to.match(/^s1\./);
    expect(raw.payload).to.not.contain("secret-link-token");
    expect(raw.payload).to.not.contain("citizen@example.test");
    await worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url).runOnce();
    const sent = await reload(entry.id);
    expect(sent.status).to.equal("sent");
    expect(sent.payload).to.equal(null);
    expect(sent.sentAt).to.be.instanceOf(Date);
  });

  it("delivers e-mail to a real SMTP server with headers, a text part and an escaped HTML part", async () => {
    const entry = await queueNotification("citizen@example.test");
    const result = await worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url).runOnce();
    expect(result).to.include({ claimed: 1, sent: 1 });
    expect(smtp.mails).to.have.length(1);
    const { parsed, envelopeTo } = smtp.mails[0];
    expect(envelopeTo).to.deep.equal(["citizen@example.test"]);
    expect(parsed.subject).to.equal("Du har fått ett säkert meddelande");
    expect(parsed.from?.text).to.contain("no-reply@kuvert.test");
    expect(parsed.headers.get("auto-submitted")).to.equal("auto-generated");
    expect(parsed.messageId).to.equal((await reload(entry.id)).messageId);
    expect(parsed.text).to.contain("http://kuvert.test/r/secret-link-token");
    expect(parsed.text).to.contain("Anna <Socialtjänsten>");
    expect(parsed.html).to.be.a("string");
    expect(parsed.html as string).to.contain("Anna &lt;Socialtjänsten&gt;");
    expect(parsed.html as string).to.contain('href="http://kuvert.test/r/secret-link-token"');
  });

  it("keeps entries pending while SMTP is down and delivers them when it is back", async () => {
    const down = await startSmtpCatcher();
    const port = down.port;
    await down.close();
    const entry = await queueNotification("later@example.test");
    const w = worker(smtpTransport(`smtp://127.0.0.1:${port}`, env().MAIL_FROM), sms.url);
    const first = await w.runOnce();
    expect(first).to.include({ claimed: 1, retried: 1 });
    const pending = await reload(entry.id);
    expect(pending.status).to.equal("pending");
    expect(pending.attempts).to.equal(1);
    expect(pending.lastError).to.match(/SMTP/);
    expect(pending.payload).to.match(/^s1\./);

    const back = await startSmtpCatcher(port);
    try {
      advanceClock(BACKOFF_CAP_MS); // past the backoff
      const second = await w.runOnce();
      expect(second).to.include({ sent: 1 });
      expect(back.mails).to.have.length(1);
      expect((await reload(entry.id)).status).to.equal("sent");
    } finally {
      await back.close();
    }
  });

  it("records a permanent failure when the server answers 5xx, and retries a 4xx", async () => {
    smtp.rejectWith = 451;
    const soft = await queueNotification("soft@example.test");
    const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
    await w.runOnce();
    expect((await reload(soft.id)).status).to.equal("pending");

    smtp.rejectWith = 550;
    advanceClock(BACKOFF_CAP_MS);
    await w.runOnce();
    const failed = await reload(soft.id);
    expect(failed.status).to.equal("failed");
    expect(failed.lastError).to.equal("SMTP 550");
    expect(failed.payload).to.equal(null);
    expect(smtp.mails).to.have.length(0);
  });

  it("retries by time, not by count: many attempts within the window, given up at its end", async () => {
    useFakeNow(); // only the steps below move the clock, however slow the machine
    sms.failWith = Array.from({ length: 50 }, () => 503);
    const entry = await transaction((t) =>
      enqueueSms(t, { to: "+46701234567", template: "code", locale: "en", vars: { code: "123456", minutes: 10 } }),
    );
    const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
    for (let i = 0; i < 12; i++) {
      expect(await w.runOnce(), `attempt ${i + 1}`).to.include({ claimed: 1, retried: 1 });
      advanceClock(BACKOFF_CAP_MS);
    }
    expect((await reload(entry.id)).status).to.equal("pending");
    // Near the window's end a retry whose backoff would reach past it is due at the end itself.
    advanceClock(RETRY_FOR_MS - 1_000);
    const late = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, {
      backoffBaseMs: 5_000,
      backoffCapMs: 5_000,
    });
    expect(await late.runOnce()).to.include({ claimed: 1, retried: 1 });
    const last = await reload(entry.id);
    expect(last.nextAttemptAt.getTime()).to.equal(last.createdAt.getTime() + RETRY_FOR_MS);
    advanceClock(1_000);
    expect(await late.runOnce()).to.include({ claimed: 1, failed: 1 });
    const gaveUp = await reload(entry.id);
    expect(gaveUp.status).to.equal("failed");
    expect(gaveUp.attempts).to.equal(14);
    expect(gaveUp.lastError).to.match(/gave up after 14 attempts/);
    expect(gaveUp.payload).to.equal(null);
  });

  it("never sends an entry twice: a worker that dies mid-delivery loses its claim to the next one", async () => {
    const entry = await queueNotification("once@example.test");
    let finishZombie: (v: { providerId: string }) => void = () => undefined;
    let sendStarted: () => void = () => undefined;
    const inSend = new Promise<void>((resolve) => (sendStarted = resolve));
    const hanging: MailTransport = {
      send: () =>
        new Promise((resolve) => {
          finishZombie = resolve;
          sendStarted();
        }),
      close: () => undefined,
    };
    const dying = worker(hanging, sms.url, { leaseMs: 1000 });
    const zombie = dying.runOnce(); // claims, then "dies" inside send()
    await inSend;
    const claimed = await reload(entry.id);
    expect(claimed.status).to.equal("sending");
    expect(claimed.claimedBy).to.equal(dying.id);

    // A second worker does not touch it while the lease holds...
    advanceClock(500);
    const next = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
    expect((await next.runOnce()).claimed).to.equal(0);
    // ...and takes it over once the lease has lapsed.
    advanceClock(4_500);
    const later = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
    expect(await later.runOnce()).to.include({ claimed: 1, sent: 1 });
    expect(smtp.mails).to.have.length(1);

    // The zombie comes back: its late result must not overwrite the new owner's record.
    finishZombie({ providerId: "zombie" });
    await zombie; // its late write has run
    const final = await reload(entry.id);
    expect(final.status).to.equal("sent");
    expect(final.claimedBy).to.equal(later.id);
    expect(await later.runOnce()).to.include({ claimed: 0 });
    expect(smtp.mails).to.have.length(1);
  });

  it("lets two workers share the queue without delivering anything twice", async () => {
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await queueNotification(`many${i}@example.test`)).id);
    const a = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { batchSize: 3 });
    const b = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { batchSize: 3 });
    for (let round = 0; round < 6; round++) await Promise.all([a.runOnce(), b.runOnce()]);
    expect(await OutboxEntry.count({ where: { id: { [Op.in]: ids }, status: "sent" } })).to.equal(12);
    const recipients = smtp.mails.map((m) => m.envelopeTo[0]).sort();
    expect(new Set(recipients).size).to.equal(12);
    expect(recipients).to.have.length(12);
  });

  it("delivers as soon as the causing transaction commits when the worker runs", async () => {
    const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { intervalMs: 60_000 });
    w.start();
    try {
      await queueNotification("prompt@example.test");
      const mail = await smtp.waitFor((m) => m.envelopeTo[0] === "prompt@example.test", 5000);
      expect(mail.parsed.subject).to.be.a("string");
    } finally {
      await w.stop();
    }
  });
});

describe("outbox: keeping up, outages and the time bound", function () {
  this.timeout(120_000);
  let smtp: SmtpCatcher;
  let sms: SmsCatcher;

  before(async () => {
    await Promise.all([...OutboxWorker.running].map((w) => w.stop()));
    smtp = await startSmtpCatcher();
    sms = await startSmsCatcher();
  });
  after(async () => {
    await smtp.close();
    await sms.close();
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((w) => w.stop()));
  });
  beforeEach(async () => {
    await clearTables("outbox_entries");
    smtp.mails.length = 0;
    smtp.rejectWith = null;
    smtp.delayMs = 0;
    smtp.connections = 0;
    smtp.maxParallel = 0;
  });

  function recipientsOf(mails: CapturedMail[]): string[] {
    return mails.map((m) => m.envelopeTo[0]).sort();
  }

  it("delivers many notifications with several in flight over a few pooled connections, each exactly once", async () => {
    const n = 60;
    const expected: string[] = [];
    for (let i = 0; i < n; i++) {
      expected.push(`bulk${i}@example.test`);
      await queueNotification(expected[i]);
    }
    smtp.delayMs = 20; // a server that takes its time, so parallel deliveries overlap
    let inFlight = 0;
    let maxInFlight = 0;
    const real = smtpTransport(smtp.url, env().MAIL_FROM, { maxConnections: 4, maxMessages: 100 });
    const counting: MailTransport = {
      async send(mail) {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await real.send(mail);
        } finally {
          inFlight -= 1;
        }
      },
      close: () => real.close(),
    };
    const w = worker(counting, sms.url, { concurrency: 8 });
    const result = await w.runOnce();
    expect(result).to.include({ claimed: n, sent: n, retried: 0, failed: 0 });
    expect(recipientsOf(smtp.mails)).to.deep.equal([...expected].sort());
    expect(maxInFlight).to.equal(8); // the bound, reached
    expect(smtp.maxParallel).to.be.within(2, 4); // several at once at the server, at most the pool
    expect(smtp.connections).to.be.at.most(4); // not one connection per e-mail
    expect(await OutboxEntry.count({ where: { status: "sent" } })).to.equal(n);
    expect((await w.runOnce()).claimed).to.equal(0);
  });

  it("keeps every notification through an SMTP outage longer than the old retry count and delivers all when it is back", async () => {
    const down = await startSmtpCatcher();
    const port = down.port;
    await down.close();
    const expected: string[] = [];
    for (let i = 0; i < 20; i++) {
      expected.push(`outage${i}@example.test`);
      await queueNotification(expected[i]);
    }
    const w = worker(smtpTransport(`smtp://127.0.0.1:${port}`, env().MAIL_FROM), sms.url, {
      retryForMs: 24 * 60 * 60 * 1000,
      backoffBaseMs: 5_000,
      backoffCapMs: 60_000,
    });
    // Fifteen minutes of refused connections (more attempts than the old count of 10).
    for (let minute = 0; minute < 15; minute++) {
      const r = await w.runOnce();
      expect(r.failed, `minute ${minute}`).to.equal(0);
      expect(r.sent).to.equal(0);
      advanceClock(60_000);
    }
    expect(await OutboxEntry.count({ where: { status: "pending" } })).to.equal(20);
    expect(Math.min(...(await OutboxEntry.findAll()).map((e) => e.attempts))).to.be.greaterThan(10);

    const back = await startSmtpCatcher(port);
    try {
      advanceClock(60_000); // past every backoff (capped at a minute here)
      await drain(w);
      expect(recipientsOf(back.mails)).to.deep.equal([...expected].sort());
      expect(await OutboxEntry.count({ where: { status: "sent" } })).to.equal(20);
    } finally {
      await w.stop();
      await back.close();
    }
  });

  it("a server that answers 421 for a while and then accepts: every notification arrives once", async () => {
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      expected.push(`busy${i}@example.test`);
      await queueNotification(expected[i]);
    }
    smtp.rejectWith = 421;
    const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
    for (let i = 0; i < 5; i++) {
      expect(await w.runOnce()).to.include({ claimed: 10, retried: 10 });
      advanceClock(BACKOFF_CAP_MS);
    }
    smtp.rejectWith = null;
    await drain(w);
    expect(recipientsOf(smtp.mails)).to.deep.equal([...expected].sort());
  });

  describe("a notification given up", () => {
    let sender: User;
    let reader: User;
    let api: ApiClient;

    before(async () => {
      const org = await buildOrganisation();
      sender = await buildUser({ organisation: org, name: "Handläggare" });
      await User.update({ locale: "en" }, { where: { id: sender.id } });
      reader = await buildUser({ organisation: null });
      api = await signIn(sender);
    });

    it("after the time bound: the recipient shows 'not_delivered' to the sender, who is told by e-mail without content", async () => {
      useFakeNow();
      const sent = await api.post<{ id: string; recipients: Array<{ status: string }> }>("/api/messages", {
        to: [{ email: reader.email }],
        subject: "Beslut om bistånd",
        body: "Hemligt innehåll",
      });
      expect(sent.status, sent.text).to.equal(201);
      expect(sent.body.recipients[0].status).to.equal("notified");

      const down = await startSmtpCatcher();
      const port = down.port;
      await down.close();
      const w = worker(smtpTransport(`smtp://127.0.0.1:${port}`, env().MAIL_FROM), sms.url);
      expect(await w.runOnce()).to.include({ claimed: 1, retried: 1 });
      advanceClock(RETRY_FOR_MS / 2);
      expect(await w.runOnce()).to.include({ claimed: 1, retried: 1 });
      let view = await api.get<{ recipients: Array<{ email: string; status: string }> }>(
        `/api/messages/${sent.body.id}`,
      );
      expect(view.body.recipients.find((r) => r.email === reader.email)?.status).to.equal("notified");

      advanceClock(RETRY_FOR_MS / 2);
      expect(await w.runOnce()).to.include({ claimed: 1, failed: 1 });
      view = await api.get(`/api/messages/${sent.body.id}`);
      expect(view.body.recipients.find((r) => r.email === reader.email)?.status).to.equal("not_delivered");
      const list = await api.get<{ items: Array<{ id: string; recipients: Array<{ status: string }> }> }>(
        "/api/mailbox/sent",
      );
      expect(list.body.items.find((i) => i.id === sent.body.id)?.recipients[0].status).to.equal("not_delivered");

      // The sender's e-mail waits in the outbox like any other and goes out once SMTP is back.
      const back = await startSmtpCatcher(port);
      try {
        await drain(w);
        const told = await back.waitFor((m) => m.envelopeTo.includes(sender.email), 5000);
        expect(told.parsed.subject).to.equal("A notification could not be delivered");
        expect(told.parsed.text).to.contain(reader.email);
        expect(told.parsed.text).to.contain(`http://kuvert.test/mailbox/sent/${sent.body.id}`);
        for (const content of ["Beslut", "bistånd", "Hemligt"]) expect(told.raw.toString()).to.not.contain(content);
        expect(back.mails.filter((m) => m.envelopeTo.includes(reader.email))).to.have.length(0);
      } finally {
        await w.stop();
        await back.close();
      }
    });

    it("refused for good (5xx): 'not_delivered' at once, the sender told in Swedish when that is their language", async () => {
      await User.update({ locale: "sv" }, { where: { id: sender.id } });
      const sent = await api.post<{ id: string }>("/api/messages", {
        to: [{ email: reader.email }],
        subject: "Kallelse",
        body: "b",
      });
      expect(sent.status, sent.text).to.equal(201);
      smtp.rejectWith = 550;
      const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
      expect(await w.runOnce()).to.include({ claimed: 1, failed: 1 });
      const view = await api.get<{ recipients: Array<{ email: string; status: string }> }>(
        `/api/messages/${sent.body.id}`,
      );
      expect(view.body.recipients.find((r) => r.email === reader.email)?.status).to.equal("not_delivered");
      smtp.rejectWith = null;
      await drain(w);
      const told = await smtp.waitFor((m) => m.envelopeTo.includes(sender.email), 5000);
      expect(told.parsed.subject).to.equal("En avisering kunde inte levereras");
      expect(told.raw.toString()).to.not.contain("Kallelse");
    });

    it("a failed e-mail that is not a notification (the sender's own) changes no status and tells nobody", async () => {
      const sent = await api.post<{ id: string }>("/api/messages", {
        to: [{ email: reader.email }],
        subject: "s",
        body: "b",
      });
      expect(sent.status).to.equal(201);
      const w = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url);
      await drain(w); // the notification goes out
      smtp.mails.length = 0;
      smtp.rejectWith = 550;
      await transaction((t) =>
        enqueueEmail(t, {
          to: "x@example.test",
          template: "notification-undelivered",
          locale: "en",
          vars: { recipient: reader.email, sentAt: "x", link: "y" },
        }),
      );
      expect(await w.runOnce()).to.include({ claimed: 1, failed: 1 });
      expect(await OutboxEntry.count({ where: { status: ["pending", "sending"] } })).to.equal(0);
      const view = await api.get<{ recipients: Array<{ status: string }> }>(`/api/messages/${sent.body.id}`);
      expect(view.body.recipients[0].status).to.equal("notified");
    });
  });

  it("two workers running at once share the queue and never deliver anything twice", async () => {
    const n = 40;
    const expected: string[] = [];
    for (let i = 0; i < n; i++) expected.push(`pair${i}@example.test`);
    smtp.delayMs = 5;
    const a = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { concurrency: 4, batchSize: 10 });
    const b = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { concurrency: 4, batchSize: 10 });
    a.start();
    b.start();
    // Entries arrive while both run: each commit wakes both workers, which race for it.
    for (const to of expected) await queueNotification(to);
    const deadline = Date.now() + 60_000;
    while ((await OutboxEntry.count({ where: { status: "sent" } })) < n) {
      if (Date.now() > deadline) throw new Error("not all delivered in time");
      await smtp.waitFor(() => false, 100).catch(() => undefined);
    }
    await Promise.all([a.stop(), b.stop()]);
    expect(recipientsOf(smtp.mails)).to.deep.equal([...expected].sort());
    const byWorker = await OutboxEntry.findAll({ attributes: ["claimedBy"] });
    expect(new Set(byWorker.map((e) => e.claimedBy))).to.have.property("size", 2);
  });

  it("a web process with OUTBOX_WORKER=off delivers nothing itself; `kuvert worker` delivers it all", async function () {
    this.timeout(240_000); // two child processes start under tsx; slow beside other load
    const web = await startServerProcess({ OUTBOX_WORKER: "off", SMTP_URL: smtp.url, WORKER_INTERVAL_MS: "20" });
    let child: ChildProcess | undefined;
    try {
      const n = 10;
      for (let i = 0; i < n; i++) await queueNotification(`offweb${i}@example.test`);
      // Had the web process a worker, it would take these (it polls every 20 ms) before ours starts.
      child = spawn(process.execPath, [path.join(root, "bin/kuvert.js"), "worker"], {
        env: childEnv({ SMTP_URL: smtp.url, WORKER_INTERVAL_MS: "50", LOG_LEVEL: "info" }),
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout!.on("data", (c) => (stdout += c));
      child.stderr!.on("data", (c) => (stdout += c));
      const deadline = Date.now() + 150_000;
      while ((await OutboxEntry.count({ where: { status: "sent" } })) < n) {
        if (Date.now() > deadline) throw new Error(`not all delivered in time; worker output: ${stdout}`);
        await smtp.waitFor(() => false, 100).catch(() => undefined);
      }
      while (!stdout.includes('"started"')) {
        if (Date.now() > deadline) throw new Error("the worker process did not start");
        await smtp.waitFor(() => false, 100).catch(() => undefined);
      }
      const childId = (JSON.parse(stdout.split("\n").find((l) => l.includes('"started"'))!) as { id: string }).id;
      const claimedBy = [...new Set((await OutboxEntry.findAll()).map((e) => e.claimedBy))];
      expect(claimedBy, "claimed by the worker process only").to.deep.equal([childId]);
      expect(smtp.mails).to.have.length(n);
      expect((await fetch(`${web.url}/health`)).status).to.equal(200);
    } finally {
      child?.kill("SIGTERM");
      web.child.kill("SIGTERM");
      if (child) await waitForExit(child);
      await waitForExit(web.child);
    }
  });

  it("`kuvert worker` with nothing to do keeps running until SIGTERM (on SQLite nothing else holds its event loop)", async () => {
    const child = spawn(process.execPath, [path.join(root, "bin/kuvert.js"), "worker"], {
      env: childEnv({ SMTP_URL: smtp.url, WORKER_INTERVAL_MS: "50" }),
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout!.on("data", (c) => (stdout += c));
    try {
      const started = Date.now() + 60_000;
      while (!stdout.includes('"started"') && child.exitCode === null && Date.now() < started)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500));
      expect(child.exitCode, `still running after 30 idle passes: ${stdout}`).to.equal(null);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await waitForExit(child)).to.equal(0);
    expect(stdout).to.contain('"stopped"');
  });

  it("`kuvert worker` delivers in its own process beside an in-process worker, nothing twice, and stops on SIGTERM", async () => {
    const n = 30;
    const expected: string[] = [];
    for (let i = 0; i < n; i++) {
      expected.push(`proc${i}@example.test`);
      await queueNotification(expected[i]);
    }
    const child = spawn(process.execPath, [path.join(root, "bin/kuvert.js"), "worker"], {
      env: childEnv({ SMTP_URL: smtp.url, WORKER_INTERVAL_MS: "50", OUTBOX_CONCURRENCY: "4" }),
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c) => (stdout += c));
    child.stderr!.on("data", (c) => (stderr += c));
    try {
      const local = worker(smtpTransport(smtp.url, env().MAIL_FROM), sms.url, { concurrency: 4 });
      smtp.delayMs = 20;
      const started = Date.now() + 60_000;
      while (!stdout.includes('"started"')) {
        if (Date.now() > started || child.exitCode !== null) throw new Error(`worker did not start: ${stderr}`);
        await smtp.waitFor(() => false, 100).catch(() => undefined);
      }
      // The process delivers first (its first pass can come after a fast in-process worker has
      // taken all 30 on a quiet machine); then both share what is left.
      const firstDelivery = Date.now() + 60_000;
      while ((await OutboxEntry.count({ where: { status: "sent" } })) === 0) {
        if (Date.now() > firstDelivery || child.exitCode !== null)
          throw new Error(
            `the worker process delivered nothing (exit ${child.exitCode}): ${stderr} ${stdout.slice(-2000)}`,
          );
        await smtp.waitFor(() => false, 50).catch(() => undefined);
      }
      local.start();
      const deadline = Date.now() + 60_000;
      while ((await OutboxEntry.count({ where: { status: "sent" } })) < n) {
        if (Date.now() > deadline) throw new Error(`not all delivered in time: ${stderr}`);
        await smtp.waitFor(() => false, 100).catch(() => undefined);
      }
      await local.stop();
      expect(recipientsOf(smtp.mails)).to.deep.equal([...expected].sort());
      const childId = (JSON.parse(stdout.split("\n")[0]) as { id: string }).id;
      const claimedBy = new Set((await OutboxEntry.findAll()).map((e) => e.claimedBy));
      expect(claimedBy.has(childId), "the worker process delivered some").to.equal(true);
      // With nothing left to do it keeps running until told to stop (it once exited 0 by itself
      // on SQLite: nothing held its event loop open).
      await new Promise((r) => setTimeout(r, 1500));
      expect(child.exitCode, "the idle worker process is still running").to.equal(null);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await waitForExit(child), stderr).to.equal(0);
    expect(stdout).to.contain('"stopped"');
  });
});
