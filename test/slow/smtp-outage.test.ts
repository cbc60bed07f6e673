import { expect } from "chai";
import { Op } from "sequelize";
import { env, setEnv, type Env } from "../../backend/src/env.js";
import { clock } from "../../backend/src/services/clock.js";
import { OutboxEntry } from "../../backend/src/models/OutboxEntry.js";
import { MessageRecipient } from "../../backend/src/models/MessageRecipient.js";
import { OutboxWorker } from "../../backend/src/outbox/worker.js";
import { workerFromEnv } from "../../backend/src/outbox/fromEnv.js";
import type { User } from "../../backend/src/models/User.js";
import { buildOrganisation, buildUser } from "../support/factories.js";
import { signIn } from "../support/auth.js";
import type { ApiClient } from "../support/server.js";
import { startSmtpCatcher, type SmtpCatcher } from "../support/smtp.js";
import { advanceClock, useFakeNow } from "../support/clock.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Issue 14: the SMTP server goes away. The outbox worker as the server builds it (workerFromEnv:
 * the production retry schedule, OUTBOX_BACKOFF_BASE_MS 5 s doubling to OUTBOX_BACKOFF_CAP_MS
 * 5 min, given up after OUTBOX_RETRY_HOURS 24 h) against a real SMTP server that is down and
 * comes back on the same port. Time is stepped on the backend clock, never waited for.
 */
describe("slow: SMTP outages on the production retry schedule (stepped clock)", function () {
  this.timeout(180_000);
  let saved: Env;
  let port: number;
  let sender: User;
  let api: ApiClient;

  before(async () => {
    await Promise.all([...OutboxWorker.running].map((w) => w.stop()));
    const probe = await startSmtpCatcher();
    port = probe.port;
    await probe.close(); // from here on the port refuses: the SMTP server is down
    saved = env();
    setEnv({ ...saved, SMTP_URL: `smtp://127.0.0.1:${port}` });
    sender = await buildUser({ organisation: await buildOrganisation() });
    api = await signIn(sender);
  });

  after(() => setEnv(saved));

  /** The most attempts the schedule allows in `ms` (each backoff at least half its nominal delay). */
  function mostAttemptsWithin(ms: number): number {
    const { OUTBOX_BACKOFF_BASE_MS: base, OUTBOX_BACKOFF_CAP_MS: cap } = env();
    let at = 0;
    let attempts = 1;
    for (;;) {
      const next = Math.min(cap, base * 2 ** (attempts - 1)) / 2;
      if (at + next > ms) return attempts;
      at += next;
      attempts += 1;
    }
  }

  /** Sends `n` messages through the API, one per new recipient; their notifications are queued. */
  async function notify(n: number): Promise<{ recipients: User[]; firstId: number }> {
    const firstId = ((await OutboxEntry.max("id")) as number | null) ?? 0;
    const recipients: User[] = [];
    for (let i = 0; i < n; i++) {
      const r = await buildUser({ organisation: null });
      recipients.push(r);
      const res = await api.post("/api/messages", { to: [{ email: r.email }], subject: `Ärende ${i}`, body: "b" });
      expect(res.status, res.text).to.equal(201);
    }
    return { recipients, firstId };
  }

  async function rows(firstId: number): Promise<OutboxEntry[]> {
    return OutboxEntry.findAll({ where: { id: { [Op.gt]: firstId } }, order: [["id", "ASC"]] });
  }

  async function outage(downForMs: number, stepMs: number): Promise<void> {
    useFakeNow();
    const { recipients, firstId } = await notify(10);
    const worker = workerFromEnv();
    let back: SmtpCatcher | undefined;
    try {
      const start = clock.now().getTime();
      // Down: the worker runs a pass at every step and sends nothing, gives nothing up.
      while (clock.now().getTime() - start < downForMs) {
        const r = await worker.runOnce();
        expect(r, `pass at +${clock.now().getTime() - start} ms`).to.include({ sent: 0, failed: 0 });
        advanceClock(stepMs);
      }
      const queued = await rows(firstId);
      expect(queued).to.have.length(10);
      expect(queued.every((e) => e.status === "pending")).to.equal(true);
      const bound = mostAttemptsWithin(downForMs);
      for (const e of queued) expect(e.attempts, "attempts while down").to.be.within(2, bound);

      // Back: every notification arrives within one backoff cap, once.
      back = await startSmtpCatcher(port);
      const returned = clock.now().getTime();
      while ((await rows(firstId)).some((e) => e.status !== "sent")) {
        expect(clock.now().getTime() - returned, "delivered within the backoff cap").to.be.at.most(
          env().OUTBOX_BACKOFF_CAP_MS + stepMs,
        );
        await worker.runOnce();
        advanceClock(stepMs);
      }
      // A few more passes send none of them again. (Only this test's rows count: an earlier file
      // of the slow suite may have left its own notification in the shared database, which the
      // stepped clock makes due here.)
      const delivered = (await rows(firstId)).map((e) => [e.id, e.status, e.attempts]);
      for (let i = 0; i < 3; i++) {
        advanceClock(env().OUTBOX_BACKOFF_CAP_MS);
        await worker.runOnce();
      }
      expect((await rows(firstId)).map((e) => [e.id, e.status, e.attempts])).to.deep.equal(delivered);
      for (const r of recipients) {
        expect(
          back.mails.filter((m) => m.envelopeTo[0] === r.email),
          r.email,
        ).to.have.length(1);
      }
      const ids = back.mails.map((m) => m.parsed.messageId);
      expect(new Set(ids).size, "no Message-ID twice").to.equal(ids.length);
      for (const e of await rows(firstId)) expect(e.attempts).to.be.at.most(bound + 1);
    } finally {
      await worker.stop();
      await back?.close();
    }
  }

  it("down for 30 seconds: every notification arrives after it returns, none twice", async () => {
    await outage(30 * SECOND, SECOND);
  });

  it("down for 10 minutes: every notification arrives after it returns, none twice, attempts bounded", async () => {
    await outage(10 * MINUTE, SECOND);
  });

  it("down for longer than OUTBOX_RETRY_HOURS: given up at the bound, recipients 'not_delivered', nothing sent late", async () => {
    useFakeNow();
    const { recipients, firstId } = await notify(3);
    const worker = workerFromEnv();
    let back: SmtpCatcher | undefined;
    try {
      const start = clock.now().getTime();
      const windowMs = env().OUTBOX_RETRY_HOURS * HOUR;
      while (clock.now().getTime() - start < windowMs) {
        expect((await worker.runOnce()).failed, "nothing given up before the bound").to.equal(0);
        advanceClock(Math.min(2 * MINUTE, start + windowMs - clock.now().getTime()));
      }
      // The last attempt is made at the bound itself, and fails.
      expect(await worker.runOnce(), "at the bound").to.include({ failed: 3 });
      const given = await rows(firstId);
      const notifications = given.filter((e) => e.reference?.startsWith("message_recipient:"));
      expect(notifications).to.have.length(3);
      for (const e of notifications) {
        expect(e.status).to.equal("failed");
        expect(e.attempts, "bounded by the time window").to.be.at.most(mostAttemptsWithin(windowMs) + 1);
        expect(e.payload, "erased").to.equal(null);
      }
      const statuses = await MessageRecipient.findAll({ where: { userId: recipients.map((r) => r.id) } });
      expect(statuses.map((s) => s.status)).to.deep.equal(["not_delivered", "not_delivered", "not_delivered"]);

      // Back: the sender is told; the recipients' notifications do not go out a day late.
      back = await startSmtpCatcher(port);
      for (let i = 0; i < 5; i++) {
        await worker.runOnce();
        advanceClock(env().OUTBOX_BACKOFF_CAP_MS);
      }
      expect(back.mails.filter((m) => m.envelopeTo.includes(sender.email)).length).to.be.greaterThan(0);
      for (const r of recipients) expect(back.mails.filter((m) => m.envelopeTo.includes(r.email))).to.have.length(0);
    } finally {
      await worker.stop();
      await back?.close();
    }
  });
});
