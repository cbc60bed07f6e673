/**
 * The one-time codes just generated, kept in memory only (never in storage or history) so the
 * print view can show them; gone after a reload, as the codes are shown once. Kept per user,
 * so that after signing out and in as someone else in the same tab nothing is shown.
 */
let fresh: { userId: string; codes: string[] } | null = null;

export const codesStore = {
  get: (userId: string | undefined): string[] | null => (fresh && fresh.userId === userId ? fresh.codes : null),
  set: (userId: string | undefined, codes: string[] | null): void => {
    fresh = userId && codes ? { userId, codes } : null;
  },
};
