/**
 * Every expected failure is an AppError with an HTTP status, a stable `id` that clients and
 * tests match on, and a human message. Only unexpected errors become 500s.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const ValidationError = (message = "The request is not valid") => new AppError(400, "validation_error", message);
export const InvalidJsonError = () => new AppError(400, "invalid_json", "The request body is not valid JSON");
export const AuthenticationRequiredError = (message = "Sign in to continue") =>
  new AppError(401, "authentication_required", message);
export const ForbiddenError = (message = "You are not allowed to do that") => new AppError(403, "forbidden", message);
export const NotFoundError = (message = "Not found") => new AppError(404, "not_found", message);
export const MethodNotAllowedError = () => new AppError(405, "method_not_allowed", "Method not allowed");
export const ConflictError = (id: string, message: string) => new AppError(409, id, message);
export const PayloadTooLargeError = (message = "The request body is too large") =>
  new AppError(413, "payload_too_large", message);
export const UnsupportedMediaTypeError = (expected: string) =>
  new AppError(415, "unsupported_media_type", `Content-Type must be ${expected}`);
export const UnprocessableError = (id: string, message: string, details?: Record<string, unknown>) =>
  new AppError(422, id, message, {}, details);
export const RateLimitedError = (retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", "Too many requests; try again later", {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
export const ServiceUnavailableError = (message = "Service unavailable") =>
  new AppError(503, "service_unavailable", message);
