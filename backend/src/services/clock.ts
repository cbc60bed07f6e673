/**
 * The one clock of the backend: sessions (idle and absolute timeouts), lockout windows, rate
 * limit buckets, SMS codes, TOTP, the outbox worker and token checks read the time from here.
 * Tests move it (test/support/clock.ts) instead of waiting; the root hooks restore it after
 * every test.
 */
export const clock = {
  now: (): Date => new Date(),
};
