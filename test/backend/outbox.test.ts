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
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { startSmsCatcher, type SmsCatcher } from "../support/sms.js";
import { clearTables } from "../support/db.js";
import { advanceClock } from "../support/clock.js";

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
    // The last attempt is due at the window's end, not later.
    advanceClock(RETRY_FOR_MS);
    const last = await reload(entry.id);
    expect(last.nextAttemptAt.getTime()).to.be.at.most(last.createdAt.getTime() + RETRY_FOR_MS);
    expect(await w.runOnce()).to.include({ claimed: 1, failed: 1 });
    const gaveUp = await reload(entry.id);
    expect(gaveUp.status).to.equal("failed");
    expect(gaveUp.attempts).to.equal(13);
    expect(gaveUp.lastError).to.match(/gave up after 13 attempts/);
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
