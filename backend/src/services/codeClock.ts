/**
 * The clock used by the code services (SMS codes, TOTP). Tests replace `now` to move time
 * (expiry, clock drift) without waiting; everything else reads the real time.
 */
export const codeClock = {
  now: (): Date => new Date(),
};
