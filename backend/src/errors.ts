import { errorCatalogue, type ErrorId } from "#shared/errorIds.js";

export type { ErrorId };

export interface AppErrorOptions {
  headers?: Record<string, string>;
  details?: Record<string, unknown>;
}

/**
 * Every expected failure is an AppError with a stable `id` from the catalogue
 * (shared/errorIds.ts), which fixes its HTTP status, and a human message. Only unexpected
 * errors become 500s. Build them with `appError`; nothing else calls the constructor.
 */
export class AppError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly id: ErrorId,
    message?: string,
    options: AppErrorOptions = {},
  ) {
    super(message ?? errorCatalogue[id].message);
    this.name = "AppError";
    this.status = errorCatalogue[id].status;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }

  /** The same error with more response headers (e.g. `Connection: close`). */
  withHeaders(headers: Record<string, string>): AppError {
    return new AppError(this.id, this.message, { headers: { ...this.headers, ...headers }, details: this.details });
  }
}

/** The one factory: the id names the failure, the catalogue gives its status. */
export function appError(id: ErrorId, message?: string, options?: AppErrorOptions): AppError {
  return new AppError(id, message, options);
}

export const ValidationError = (message?: string) => appError("validation_error", message);
export const InvalidJsonError = () => appError("invalid_json");
export const AuthenticationRequiredError = (message?: string) => appError("authentication_required", message);
export const ForbiddenError = (message?: string) => appError("forbidden", message);
export const NotFoundError = (message?: string) => appError("not_found", message);
export const MethodNotAllowedError = () => appError("method_not_allowed");
export const PayloadTooLargeError = (message?: string) => appError("payload_too_large", message);
export const UnsupportedMediaTypeError = (expected: string) =>
  appError("unsupported_media_type", `Content-Type must be ${expected}`);
export const RateLimitedError = (retryAfterSeconds: number) =>
  appError("rate_limited", undefined, {
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
export const ServiceUnavailableError = (message?: string) => appError("service_unavailable", message);
