/**
 * The web app's configuration of the shared API client (shared/api/client.ts): the session
 * cookie, X-CSRF-Token from the kuvert_csrf cookie on state-changing requests, and a signal when
 * the session has ended on the server.
 */
import { createApiClient, type HttpMethod } from "#shared/api/client.js";

export { ApiError, apiErrorFromAnswer, networkError, type ApiErrorId } from "#shared/api/client.js";

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

/** The web app's client: same origin, cookie session, CSRF double-submit. */
export const api = createApiClient({
  // `__Host-kuvert_csrf` in production (Secure, Path=/, no Domain), `kuvert_csrf` over http in development.
  csrfToken: () => readCookie("__Host-kuvert_csrf") ?? readCookie("kuvert_csrf"),
  onUnauthorized: (path) => {
    if (path.startsWith("/api/auth/")) return;
    for (const listener of unauthorizedListeners) listener();
  },
});

/**
 * Sends a request to the API. Resolves with the parsed JSON body (or null); rejects with
 * ApiError for 4xx/5xx and with ApiError(0, "network_error") when the server cannot be reached.
 */
export function apiRequest<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
  return api.request<T>(method, path, body);
}
