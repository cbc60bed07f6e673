import crypto from "node:crypto";
import { Op } from "sequelize";
import { OutboxEntry } from "../models/OutboxEntry.js";
import { dialect, transaction } from "../db.js";
import { logger } from "../logger.js";
import { DeliveryError } from "../services/delivery.js";
import type { MailTransport } from "../services/mail/index.js";
import type { SmsProvider } from "../services/sms/index.js";
import { openPayload, outboxEvents } from "./enqueue.js";
import { backoffMs } from "./backoff.js";
import { clock } from "../services/clock.js";

export interface WorkerOptions {
  mail: MailTransport;
  sms: SmsProvider;
  intervalMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  leaseMs: number;
  batchSize?: number;
}

export interface RunResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Delivers outbox entries. Claiming is a short transaction that locks due rows (FOR UPDATE
 * SKIP LOCKED on MySQL, so several instances share the work) and marks them `sending` under a
 * lease; delivery happens outside any transaction; the result is written with a guard on the
 * claim. A worker that dies mid-delivery leaves a lapsed lease, and the entry is claimed again.
 */
export class OutboxWorker {
  /** Workers started in this process and not yet stopped. */
  static readonly running = new Set<OutboxWorker>();
  readonly id = crypto.randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RunResult> | undefined;
  private stopped = true;
  /** Set by stop() so a batch in flight releases what it has not started on. */
  private stopRequested = false;
  private readonly onEnqueued = () => this.kick();

  constructor(private readonly opts: WorkerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopRequested = false;
    OutboxWorker.running.add(this);
    outboxEvents.on("enqueued", this.onEnqueued);
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopRequested = true;
    OutboxWorker.running.delete(this);
    outboxEvents.off("enqueued", this.onEnqueued);
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Looks for due entries now, or, while a batch is in flight, as soon as it ends. */
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
      // A batch already in flight (a direct runOnce()) is awaited, so the polling goes on after it.
      result = await this.runOnce();
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, "outbox run failed");
    }
    if (!this.stopped) this.schedule(result && result.claimed > 0 ? 0 : this.opts.intervalMs);
  }

  /** Claims and delivers one batch. */
  runOnce(): Promise<RunResult> {
    if (this.running) return this.running;
    this.running = this.claimAndDeliver().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async claim(): Promise<OutboxEntry[]> {
    const now = clock.now();
    return transaction(async (t) => {
      const due = await OutboxEntry.findAll({
        where: {
          [Op.or]: [
            { status: "pending", nextAttemptAt: { [Op.lte]: now } },
            { status: "sending", leaseUntil: { [Op.lt]: now } },
          ],
        },
        order: [["id", "ASC"]],
        limit: this.opts.batchSize ?? 20,
        transaction: t,
        lock: dialect() === "sqlite" ? undefined : t.LOCK.UPDATE,
        skipLocked: dialect() !== "sqlite",
      });
      for (const entry of due) {
        entry.status = "sending";
        entry.claimedBy = this.id;
        entry.leaseUntil = new Date(now.getTime() + this.opts.leaseMs);
        entry.attempts = entry.attempts + 1;
        await entry.save({ transaction: t });
      }
      return due;
    });
  }

  private async claimAndDeliver(): Promise<RunResult> {
    const claimed = await this.claim();
    const result: RunResult = { claimed: claimed.length, sent: 0, retried: 0, failed: 0 };
    for (const entry of claimed) {
      if (this.stopRequested) {
        // Stopping: release the rest at once instead of waiting for their leases.
        await this.release(entry);
        continue;
      }
      const outcome = await this.deliver(entry);
      result[outcome] += 1;
    }
    return result;
  }

  private async release(entry: OutboxEntry): Promise<void> {
    await OutboxEntry.update(
      { status: "pending", leaseUntil: null, claimedBy: null, attempts: Math.max(0, entry.attempts - 1) },
      { where: { id: entry.id, claimedBy: this.id, status: "sending" } },
    );
  }

  private async deliver(entry: OutboxEntry): Promise<"sent" | "retried" | "failed"> {
    try {
      if (!entry.payload) throw new DeliveryError("payload missing", true);
      const payload = openPayload(entry.payload);
      const { providerId } =
        payload.kind === "email"
          ? await this.opts.mail.send(payload)
          : await this.opts.sms.send({
              to: payload.to,
              message: payload.message,
              idempotencyKey: `outbox-${entry.id}`,
            });
      await OutboxEntry.update(
        {
          status: "sent",
          sentAt: clock.now(),
          payload: null,
          leaseUntil: null,
          lastError: null,
          providerId: providerId.slice(0, 200),
        },
        { where: { id: entry.id, claimedBy: this.id } },
      );
      return "sent";
    } catch (err) {
      const permanent = err instanceof DeliveryError ? err.permanent : false;
      const message = (err instanceof DeliveryError ? err.message : `unexpected: ${(err as Error).name}`).slice(0, 500);
      const exhausted = entry.attempts >= this.opts.maxAttempts;
      if (permanent || exhausted) {
        await OutboxEntry.update(
          {
            status: "failed",
            lastError: permanent ? message : `${message} (gave up after ${entry.attempts} attempts)`,
            leaseUntil: null,
            payload: null,
          },
          { where: { id: entry.id, claimedBy: this.id } },
        );
        logger.warn(
          { outboxId: entry.id, channel: entry.channel, error: message },
          "outbox delivery failed permanently",
        );
        return "failed";
      }
      const next = new Date(
        clock.now().getTime() + backoffMs(entry.attempts, this.opts.backoffBaseMs, this.opts.backoffCapMs),
      );
      await OutboxEntry.update(
        { status: "pending", lastError: message, nextAttemptAt: next, leaseUntil: null, claimedBy: null },
        { where: { id: entry.id, claimedBy: this.id } },
      );
      logger.info(
        { outboxId: entry.id, channel: entry.channel, attempt: entry.attempts, error: message },
        "outbox delivery will be retried",
      );
      return "retried";
    }
  }
}
