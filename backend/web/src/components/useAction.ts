import { useCallback, useState } from "react";

export interface Action {
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  /** Runs `action` with `busy` set, clearing the last error first and keeping the new one. */
  run(action: () => Promise<void>): Promise<void>;
}

/** The busy flag and last error of a form whose buttons call the API one at a time. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** A typed code as the API wants it: no spaces anywhere. */
export function cleanCode(code: string): string {
  return code.trim().replace(/\s+/g, "");
}
