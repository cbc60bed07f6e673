import crypto from "node:crypto";
import { Op, type Transaction } from "sequelize";
import { OutboxEntry } from "../models/OutboxEntry.js";
import { dialect, isDatabaseUnavailable, transaction } from "../db.js";
import { logger } from "../logger.js";
import { DeliveryError } from "../services/delivery.js";
import type { MailTransport } from "../services/mail/index.js";
import type { SmsProvider } from "../services/sms/index.js";
import { openPayload, outboxEvents, type OutboxPayload } from "./enqueue.js";
import { backoffMs } from "./backoff.js";
import { clock } from "../services/clock.js";
import { recordUndeliveredNotification } from "../commands/recordUndeliveredNotification.js";
import { withInlineLogo } from "../services/notificationTexts/inlineLogo.js";

export interface WorkerOptions {
  mail: MailTransport;
  sms: SmsProvider;
  intervalMs: number;
  /** An entry is retried until it has been queued this long, then given up (`failed`). */
  retryForMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  leaseMs: number;
  /** Deliveries in flight at once (default 8). */
  concurrency?: number;
  /** The most entries one runOnce() claims (default 100). */
  batchSize?: number;
}

export interface RunResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

type Outcome = "sent" | "retried" | "failed";

/** A database write the worker has to make, queued to go with others in one transaction. */
interface PendingWrite {
  apply(t: Transaction): Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Delivers outbox entries, several at once (`concurrency`). Claiming is a short transaction that
 * locks due rows (FOR UPDATE SKIP LOCKED on MySQL, so several workers share the work; SQLite's
 * transactions hold the write lock from BEGIN, so there a claim is alone) and marks them
 * `sending` under a lease, counting the attempt. Delivery happens outside any transaction; the
 * result is written guarded by the claim: the worker's id *and* the attempt number, so a late
 * result from a claim that lapsed (a hung send, a stalled process) changes nothing, even when
 * the same worker has claimed the entry again since.
 *
 * The worker's database work (claims, results) runs one transaction at a time, results that
 * finish together are written in one transaction, so a worker holds at most one pooled
 * connection and never competes with requests for more.
 *
 * Retries are bounded by time, not by a count: a temporary failure is tried again after a
 * backoff (base doubling up to a cap, with jitter) until the entry has been queued for
 * `retryForMs`; the last attempt is made at that bound, and if it fails too the entry is
 * `failed`. A notification e-mail that is given up marks its recipient `not_delivered` and
 * tells the sender (commands/recordUndeliveredNotification.ts), in the same transaction.
 */
export class OutboxWorker {
  /** Workers started in this process and not yet stopped. */
  static readonly running = new Set<OutboxWorker>();
  readonly id = crypto.randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RunResult> | undefined;
  private stopped = true;
  /** Set by stop() so a pass in flight claims nothing more. */
  private stopRequested = false;
  private readonly onEnqueued = () => this.kick();
  /** The tail of this worker's database work: one transaction at a time. */
  private lane: Promise<unknown> = Promise.resolve();
  private writes: PendingWrite[] = [];
  private flushing = false;

  constructor(private readonly opts: WorkerOptions) {}

  get concurrency(): number {
    return this.opts.concurrency ?? 8;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopRequested = false;
    OutboxWorker.running.add(this);
    outboxEvents.on("enqueued", this.onEnqueued);
    this.schedule(0);
  }

  /** Stops polling, waits for the deliveries in flight and closes the mail connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested = true;
    OutboxWorker.running.delete(this);
    outboxEvents.off("enqueued", this.onEnqueued);
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    // Pooled SMTP connections are closed; a later start() opens new ones.
    this.opts.mail.close();
  }

  /** Looks for due entries now, or, while a pass is in flight, as soon as it ends. */
  kick(): void {
    if (this.stopped) return;
    if (!this.running) return this.schedule(0);
    const again = () => this.kick();
    void this.running.then(again, again);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let result: RunResult | undefined;
    try {
      // A pass already in flight (a direct runOnce()) is awaited, so the polling goes on after it.
      result = await this.runOnce();
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, "outbox run failed");
    }
    if (!this.stopped) this.schedule(result && result.claimed > 0 ? 0 : this.opts.intervalMs);
  }

  /**
   * One pass: claims due entries as delivery slots free up, with at most `concurrency` in flight,
   * until nothing more is due or `batchSize` entries were claimed; each entry at most once per
   * pass. Resolves when every delivery it started has its result recorded.
   */
  runOnce(): Promise<RunResult> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<RunResult> {
    const result: RunResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    const seen = new Set<number>();
    let budget = this.opts.batchSize ?? 100;
    let inFlight = 0;
    let drained = false;
    let wake: () => void = () => undefined;
    const deliveries: Promise<void>[] = [];
    for (;;) {
      const free = Math.min(this.concurrency - inFlight, budget);
      if (free > 0 && !drained && !this.stopRequested) {
        let claimed: OutboxEntry[];
        try {
          claimed = await this.claim(free, [...seen]);
        } catch (err) {
          // The database is away: finish what is in flight; the next pass claims again.
          logger.error({ err: { message: (err as Error).message } }, "outbox claim failed");
          claimed = [];
        }
        if (claimed.length < free) drained = true;
        for (const entry of claimed) {
          seen.add(entry.id);
          budget -= 1;
          inFlight += 1;
          result.claimed += 1;
          deliveries.push(
            this.deliver(entry)
              .then(
                (outcome) => {
                  result[outcome] += 1;
                },
                (err: Error) =>
                  logger.error({ outboxId: entry.id, err: { message: err.message } }, "outbox result lost"),
              )
              .finally(() => {
                inFlight -= 1;
                wake();
              }),
          );
        }
        if (claimed.length > 0) continue;
      }
      if (inFlight === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    await Promise.all(deliveries);
    return result;
  }

  /** Runs `fn` after the worker's earlier database work. */
  private inLane<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private claim(limit: number, exclude: number[]): Promise<OutboxEntry[]> {
    return this.inLane(() => {
      const now = clock.now();
      return transaction(async (t) => {
        const due = await OutboxEntry.findAll({
          where: {
            [Op.or]: [
              { status: "pending", nextAttemptAt: { [Op.lte]: now } },
              { status: "sending", leaseUntil: { [Op.lt]: now } },
            ],
            ...(exclude.length ? { id: { [Op.notIn]: exclude } } : {}),
          },
          order: [["id", "ASC"]],
          limit,
          transaction: t,
          lock: dialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
          skipLocked: dialect() !== "sqlite",
        });
        if (due.length === 0) return due;
        const leaseUntil = new Date(now.getTime() + this.opts.leaseMs);
        // The rows are ours: locked (MySQL) or under SQLite's single write lock.
        await OutboxEntry.update(
          {
            status: "sending",
            claimedBy: this.id,
            leaseUntil,
            attempts: OutboxEntry.sequelize!.literal("attempts + 1"),
          },
          { where: { id: due.map((e) => e.id) }, transaction: t },
        );
        for (const entry of due) {
          entry.status = "sending";
          entry.claimedBy = this.id;
          entry.leaseUntil = leaseUntil;
          entry.attempts = entry.attempts + 1;
        }
        return due;
      });
    });
  }

  /**
   * Queues a write guarded by this claim and resolves once it is committed. Writes that queue
   * up while another transaction runs go together in the next one; if that transaction fails,
   * each is tried again alone, so one bad write cannot lose the others' results.
   */
  private record(apply: (t: Transaction) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.writes.push({ apply, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.writes.length > 0) {
        const batch = this.writes.splice(0);
        try {
          await this.inLane(() =>
            transaction(async (t) => {
              for (const w of batch) await w.apply(t);
            }),
          );
          batch.forEach((w) => w.resolve());
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          for (const w of batch) {
            await this.inLane(() => transaction((t) => w.apply(t))).then(w.resolve, w.reject);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * `record`, tried again while the database is away (a restart, a fail-over) until the claim's
   * lease ends or the worker is stopped: a delivery that went out must not be sent again only
   * because its result could not be written for a few seconds. After the lease, another worker
   * may have claimed the entry; the guarded write then changes nothing anyway.
   */
  private async recordDurably(entry: OutboxEntry, apply: (t: Transaction) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.record(apply);
      } catch (err) {
        const leaseEnds = entry.leaseUntil?.getTime() ?? 0;
        if (!isDatabaseUnavailable(err) || this.stopRequested || clock.now().getTime() >= leaseEnds) throw err;
        if (attempt === 1) {
          logger.warn(
            { outboxId: entry.id, err: { message: (err as Error).message } },
            "outbox result not written (database unavailable); trying again",
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Where-clause of this claim: the entry, still ours, at the attempt we claimed. */
  private mine(entry: OutboxEntry) {
    return { id: entry.id, claimedBy: this.id, attempts: entry.attempts, status: "sending" };
  }

  private async deliver(entry: OutboxEntry): Promise<Outcome> {
    let payload: OutboxPayload | undefined;
    let providerId: string;
    try {
      if (!entry.payload) throw new DeliveryError("payload missing", true);
      payload = openPayload(entry.payload);
      if (payload.kind === "email") {
        const { kind: _kind, template: _template, logo, ...mail } = payload;
        ({ providerId } = await this.opts.mail.send(await withInlineLogo(mail, logo)));
      } else {
        ({ providerId } = await this.opts.sms.send({
          to: payload.to,
          message: payload.message,
          idempotencyKey: `outbox-${entry.id}`,
        }));
      }
    } catch (err) {
      return this.failed(entry, payload, err);
    }
    // Delivered: a failure to record it from here on is not a delivery failure. While the
    // database is away the result is written again until the lease ends; after that the entry
    // stays `sending` until the lease lapses, the one window of a second delivery.
    await this.recordDurably(entry, async (t) => {
      await OutboxEntry.update(
        {
          status: "sent",
          sentAt: clock.now(),
          payload: null,
          leaseUntil: null,
          lastError: null,
          providerId: providerId.slice(0, 200),
        },
        { where: this.mine(entry), transaction: t },
      );
    });
    return "sent";
  }

  private async failed(entry: OutboxEntry, payload: OutboxPayload | undefined, err: unknown): Promise<Outcome> {
    const permanent = err instanceof DeliveryError ? err.permanent : false;
    const message = (err instanceof DeliveryError ? err.message : `unexpected: ${(err as Error).name}`).slice(0, 500);
    const now = clock.now();
    const giveUpAt = entry.createdAt.getTime() + this.opts.retryForMs;
    if (permanent || now.getTime() >= giveUpAt) {
      await this.giveUp(entry, payload, permanent ? message : `${message} (gave up after ${entry.attempts} attempts)`);
      logger.warn(
        { outboxId: entry.id, channel: entry.channel, attempts: entry.attempts, error: message },
        "outbox delivery failed permanently",
      );
      return "failed";
    }
    // The last attempt is made at the bound itself.
    const next = new Date(
      Math.min(giveUpAt, now.getTime() + backoffMs(entry.attempts, this.opts.backoffBaseMs, this.opts.backoffCapMs)),
    );
    await this.recordDurably(entry, async (t) => {
      await OutboxEntry.update(
        { status: "pending", lastError: message, nextAttemptAt: next, leaseUntil: null, claimedBy: null },
        { where: this.mine(entry), transaction: t },
      );
    });
    logger.info(
      { outboxId: entry.id, channel: entry.channel, attempt: entry.attempts, error: message },
      "outbox delivery will be retried",
    );
    return "retried";
  }

  /**
   * Marks the entry failed and, for a notification, its recipient not delivered (one
   * transaction). Should the second part fail, the entry is still marked failed, so it is not
   * taken up again when its lease lapses.
   */
  private async giveUp(entry: OutboxEntry, payload: OutboxPayload | undefined, lastError: string): Promise<void> {
    const markFailed = async (t: Transaction) => {
      const [changed] = await OutboxEntry.update(
        { status: "failed", lastError, leaseUntil: null, payload: null },
        { where: this.mine(entry), transaction: t },
      );
      return changed === 1; // 0: the claim lapsed, the entry is someone else's now
    };
    const notification = payload?.kind === "email" && payload.template === "notification" && entry.reference;
    try {
      await this.record(async (t) => {
        if ((await markFailed(t)) && notification) await recordUndeliveredNotification(t, entry.reference!);
      });
    } catch (err) {
      if (!notification) throw err;
      logger.error(
        { outboxId: entry.id, err: { message: (err as Error).message } },
        "outbox could not record an undelivered notification",
      );
      await this.record(async (t) => {
        await markFailed(t);
      });
    }
  }
}
