import { clock } from "../../backend/src/services/clock.js";

const realNow = clock.now;
let offsetMs = 0;
let fixed: Date | null = null;

function install(): void {
  clock.now = () => (fixed ? new Date(fixed.getTime() + offsetMs) : new Date(Date.now() + offsetMs));
}

/**
 * Moves the backend clock forward by `ms` (on top of earlier steps) without waiting: sessions,
 * lockout windows, rate-limit buckets, codes, the outbox worker and token checks see the later
 * time. The root hooks in test/setup.mts call `restoreClock()` after every test.
 */
export function advanceClock(ms: number): void {
  offsetMs += ms;
  install();
}

/** Sets the backend clock to `offsetMs` ahead of the real time (replacing earlier steps). */
export function setClockOffset(ms: number): void {
  offsetMs = ms;
  install();
}

/**
 * Freezes the backend clock at `date` (default: the real time now), so that only
 * `advanceClock` moves it and a boundary can be tested to the millisecond.
 */
export function useFakeNow(date = new Date()): void {
  fixed = new Date(date.getTime());
  offsetMs = 0;
  install();
}

/** Back to the real time. */
export function restoreClock(): void {
  offsetMs = 0;
  fixed = null;
  clock.now = realNow;
}
