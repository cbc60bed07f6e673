/** Exponential backoff with full jitter in [delay/2, delay], capped. `attempt` starts at 1. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const delay = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}
