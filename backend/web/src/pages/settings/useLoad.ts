import { useCallback, useEffect, useState } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  reload(): Promise<void>;
}

/**
 * Loads data for a settings section on mount; `reload()` fetches it again after a change.
 * `load` is read once (the first render's function serves every reload).
 */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [loader] = useState(() => load);
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setData(await loader());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [loader]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/**
 * As `useLoad`, but `initial` keeps the first answer: an editing form starts from it, and a
 * `reload()` after saving does not hand the form new starting values while it is being edited.
 */
export function useInitialLoad<T>(load: () => Promise<T>): Loaded<T> & { initial: T | null } {
  const loaded = useLoad(load);
  const [initial, setInitial] = useState<T | null>(null);
  useEffect(() => {
    if (loaded.data !== undefined && initial === null) setInitial(loaded.data);
  }, [loaded.data, initial]);
  return { ...loaded, initial };
}
