import { useEffect, useState } from "react";

/** Waits this long after the last keystroke before asking the server for a new preview. */
const PREVIEW_DELAY_MS = 300;

/**
 * A live preview rendered by the server: asked for shortly after `input` last changed; an answer
 * for older input is dropped. A failure keeps the last preview and is returned as `error`.
 * `fetchPreview` is read once (the first render's function serves every change).
 */
export function useServerPreview<I, T>(
  input: I,
  fetchPreview: (input: I) => Promise<T>,
  initial: T,
): { preview: T; error: unknown } {
  const [fetcher] = useState(() => fetchPreview);
  const [preview, setPreview] = useState<T>(initial);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      fetcher(input).then(
        (p) => {
          if (!current) return;
          setPreview(p);
          setError(null);
        },
        (err: unknown) => current && setError(err),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [fetcher, input]);
  return { preview, error };
}
