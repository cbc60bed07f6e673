import { logger } from "../logger.js";
import { sweepExpiredMessages } from "./expirySweeper.js";
import { reapBlobs, sweepOrphanBlobs } from "./blobReaper.js";
import { blobDeletionEvents } from "../services/messages/shredMessage.js";

export interface PeriodicJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** The in-process periodic jobs besides the outbox: expiry sweeping, blob reaping and the orphan-blob sweep. */
export function defaultJobs(): PeriodicJob[] {
  return [
    { name: "expiry-sweeper", everyMs: 30_000, run: () => sweepExpiredMessages() },
    { name: "blob-reaper", everyMs: 30_000, run: () => reapBlobs() },
    { name: "orphan-blob-sweep", everyMs: 60 * 60 * 1000, run: () => sweepOrphanBlobs() },
  ];
}

/** Runs each job on its own timer (never overlapping itself); stop() waits for runs in flight. */
export class Scheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private inFlight = new Map<string, Promise<unknown>>();
  private stopped = true;
  private readonly onBlobsQueued = () => this.trigger("blob-reaper");

  constructor(private readonly jobs: PeriodicJob[]) {}

  start(): void {
    this.stopped = false;
    blobDeletionEvents.on("queued", this.onBlobsQueued);
    for (const job of this.jobs) this.schedule(job, 1_000);
  }

  trigger(name: string): void {
    const job = this.jobs.find((j) => j.name === name);
    if (job && !this.stopped && !this.inFlight.has(name)) this.schedule(job, 0);
  }

  private schedule(job: PeriodicJob, ms: number): void {
    clearTimeout(this.timers.get(job.name));
    const timer = setTimeout(() => {
      if (this.stopped || this.inFlight.has(job.name)) return;
      const run = job
        .run()
        .catch((err: Error) => logger.error({ job: job.name, err: { message: err.message } }, "job failed"))
        .finally(() => {
          this.inFlight.delete(job.name);
          if (!this.stopped) this.schedule(job, job.everyMs);
        });
      this.inFlight.set(job.name, run);
    }, ms);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    blobDeletionEvents.off("queued", this.onBlobsQueued);
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.all(this.inFlight.values());
  }
}
