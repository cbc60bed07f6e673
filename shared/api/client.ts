/**
 * The one typed client for the Kuvert API, used by the web app (cookie session + CSRF
 * double-submit) and the add-in (bearer token): JSON in and out, and one error shape,
 * `ApiError`, whose `id` is an id from shared/errorIds.ts (or a client-side one such as
 * `network_error`).
 */
import { errorCatalogue, isErrorId, type ClientErrorId, type ErrorId } from "../errorIds.js";

/** An id an `ApiError` can carry: one the API answers with, or one the client makes itself. */
export type ApiErrorId = ErrorId | ClientErrorId;

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when no server answered. */
    readonly status: number,
    readonly id: ApiErrorId,
    message: string,
    /** Seconds from a Retry-After header (429, 423), if any. */
    readonly retryAfter: number | null = null,
    /** Extra members of the error answer, e.g. `recipients` of 422 mobile_required. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The failure a client reports when no server answered (offline, DNS, server down). */
export function networkError(): ApiError {
  return new ApiError(0, "network_error", "The server could not be reached");
}

/**
 * The catalogue id for an answer without a known id (a proxy's HTML error page, a server of
 * another version): the nearest id for its status.
 */
export function idForStatus(status: number): ErrorId {
  const byStatus: Partial<Record<number, ErrorId>> = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "link_expired",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    423: "account_locked",
    429: "rate_limited",
    503: "service_unavailable",
  };
  return byStatus[status] ?? (status >= 400 && status < 500 ? "bad_request" : "internal_error");
}

/** Whole seconds to wait from a Retry-After header (seconds or an HTTP date), at least 1. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - now) / 1000));
}

/**
 * The ApiError for a non-2xx answer, from its status, body text and Retry-After header. The
 * error middleware answers `{error, message, ...details}`; anything else gets the id for the
 * status and the catalogue's message.
 */
export function apiErrorFromAnswer(status: number, bodyText: string, retryAfter: string | null): ApiError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = bodyText ? JSON.parse(bodyText) : null;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a proxy's error page)
  }
  const { error, message, ...details } = body;
  const id = typeof error === "string" && isErrorId(error) ? error : idForStatus(status);
  return new ApiError(
    status,
    id,
    typeof message === "string" ? message : errorCatalogue[id].message,
    parseRetryAfter(retryAfter),
    details,
  );
}

export interface ApiClientConfig {
  /** The server, e.g. https://kuvert.example.se (no trailing slash); "" for the page's own origin. */
  base?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Bearer token (the add-in). Without it the client uses the session cookie. */
  token?: string;
  /** Cookie sessions: the CSRF token that state-changing requests carry as X-CSRF-Token. */
  csrfToken?: () => string | null;
  /** Called with the path when an answer is 401, before the ApiError is thrown. */
  onUnauthorized?: (path: string) => void;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface SendOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (raw uploads); give its Content-Type in `headers`. */
  bytes?: Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

export interface ApiClient {
  /** The absolute URL of an API path. */
  url(path: string): string;
  /** The authentication headers a request needs (bearer token, or CSRF for cookie sessions). */
  authHeaders(method: HttpMethod): Record<string, string>;
  /** Sends a request and resolves with the 2xx Response; throws ApiError otherwise. */
  send(method: HttpMethod, path: string, options?: SendOptions): Promise<Response>;
  /** Sends JSON (if `body` is given) and resolves with the parsed JSON answer (null when empty). */
  request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

const safeMethods = new Set<HttpMethod>(["GET"]);

/** Builds the client for one way of signing in (cookie session or bearer token). */
export function createApiClient(config: ApiClientConfig = {}): ApiClient {
  const base = config.base ?? "";
  const doFetch: typeof fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const client: ApiClient = {
    url: (path) => `${base}${path}`,
    authHeaders(method): Record<string, string> {
      if (config.token) return { Authorization: `Bearer ${config.token}` };
      if (safeMethods.has(method)) return {};
      const csrf = config.csrfToken?.() ?? null;
      return csrf ? { "X-CSRF-Token": csrf } : {};
    },
    async send(method, path, options = {}) {
      const headers: Record<string, string> = { Accept: "application/json", ...client.authHeaders(method) };
      let body: BodyInit | undefined;
      if (options.json !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(options.json);
      } else if (options.bytes) {
        body = options.bytes;
      }
      Object.assign(headers, options.headers);
      let res: Response;
      try {
        res = await doFetch(client.url(path), {
          method,
          headers,
          body,
          credentials: config.token ? "omit" : "same-origin",
        });
      } catch {
        throw networkError();
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => "");
      if (res.status === 401) config.onUnauthorized?.(path);
      throw apiErrorFromAnswer(res.status, text, res.headers.get("Retry-After"));
    },
    async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      const res = await client.send(method, path, body === undefined ? {} : { json: body });
      const text = await res.text();
      try {
        return (text ? JSON.parse(text) : null) as T;
      } catch {
        return null as T;
      }
    },
    get: (path) => client.request("GET", path),
    post: (path, body = {}) => client.request("POST", path, body),
    put: (path, body = {}) => client.request("PUT", path, body),
    patch: (path, body = {}) => client.request("PATCH", path, body),
    delete: (path) => client.request("DELETE", path),
  };
  return client;
}
