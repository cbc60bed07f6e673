/**
 * The one-time codes just generated, kept in memory only (never in storage or history) so the
 * print view can show them; gone after a reload, as the codes are shown once.
 */
let fresh: string[] | null = null;

export const codesStore = {
  get: (): string[] | null => fresh,
  set: (codes: string[] | null): void => {
    fresh = codes;
  },
};
