/** The one way the web app talks to the backend: JSON over fetch, with CSRF double-submit. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    /** Seconds from a Retry-After header (429), if any. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Called when an API request (other than /api/auth/...) answers 401: the session ended on the
 * server (expired, signed out elsewhere). The session provider listens and sends the user to
 * sign in. Returns a function that removes the listener.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The value of a cookie readable by scripts (only kuvert_csrf is; the session cookie is HttpOnly). */
export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Sends a request to the API. State-changing requests carry X-CSRF-Token from the kuvert_csrf
 * cookie. Resolves with the parsed JSON body (or null); rejects with ApiError for 4xx/5xx and
 * with ApiError(0, "network_error") when the server cannot be reached.
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") {
    const csrf = readCookie("kuvert_csrf");
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  let payload: string | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached");
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/api/auth/")) for (const listener of unauthorizedListeners) listener();
    const err = (parsed ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof err.error === "string" ? err.error : `http_${res.status}`,
      typeof err.message === "string" ? err.message : res.statusText,
      parseRetryAfter(res.headers.get("Retry-After")),
    );
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => apiRequest<T>("GET", path),
  post: <T>(path: string, body: unknown = {}) => apiRequest<T>("POST", path, body),
  put: <T>(path: string, body: unknown = {}) => apiRequest<T>("PUT", path, body),
  patch: <T>(path: string, body: unknown = {}) => apiRequest<T>("PATCH", path, body),
  delete: <T>(path: string) => apiRequest<T>("DELETE", path),
};
