import type { Middleware } from "koa";
import { ZodError } from "zod";
import { UniqueConstraintError, ValidationError as SequelizeValidationError } from "sequelize";
import { AppError, appError } from "../errors.js";
import { logger } from "../logger.js";
import { isDatabaseUnavailable } from "../db.js";

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/** Maps a thrown value to the AppError the client sees. Unknown errors become null (500). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return appError("validation_error", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  if (err instanceof UniqueConstraintError) return appError("conflict", "That already exists");
  if (err instanceof SequelizeValidationError) {
    return appError("validation_error", err.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  }
  if (isDatabaseUnavailable(err)) {
    return appError("service_unavailable", "The service is not available right now; try again in a moment", {
      headers: { "Retry-After": "5" },
    });
  }
  const e = err as HttpishError;
  const status = e?.status ?? e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    if (status === 413) return appError("payload_too_large", "The request body is too large");
    if (status === 415) return appError("unsupported_media_type", "Unsupported content type");
    if (status === 400 && (e.type === "entity.parse.failed" || /json/i.test(e.message ?? ""))) {
      return appError("invalid_json", "The request body is not valid JSON");
    }
    if (status === 404) return appError("not_found", "Not found");
    if (status === 405) return appError("method_not_allowed", "Method not allowed");
    return appError("bad_request", e.expose && e.message ? e.message : "Bad request");
  }
  return null;
}

let unavailableLoggedAt = 0;
let unavailableSuppressed = 0;

/** A database outage fails every request: warn once, then at most every 10 s with a count. */
function logUnavailable(log: typeof logger, err: unknown): void {
  const now = Date.now();
  if (now - unavailableLoggedAt < 10_000) {
    unavailableSuppressed += 1;
    return;
  }
  log.warn(
    { err: { name: (err as Error)?.name, message: (err as Error)?.message }, alsoFailed: unavailableSuppressed },
    "database unavailable: answered 503",
  );
  unavailableLoggedAt = now;
  unavailableSuppressed = 0;
}

/** The one error middleware: every error leaves as `{error, message}` JSON. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        ctx.status = 404;
        ctx.body = { error: "not_found", message: "Not found" };
      }
    } catch (err) {
      const appError = toAppError(err);
      const log = ctx.state.log ?? logger;
      if (!appError) {
        log.error(
          { err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } },
          "unhandled error",
        );
        ctx.status = 500;
        ctx.body = {
          error: "internal_error",
          message: "Something went wrong on our side",
          requestId: ctx.state.requestId,
        };
        return;
      }
      if (appError.id === "service_unavailable" && !(err instanceof AppError)) logUnavailable(log, err);
      ctx.status = appError.status;
      for (const [k, v] of Object.entries(appError.headers)) ctx.set(k, v);
      ctx.body = { error: appError.id, message: appError.message, ...(appError.details ?? {}) };
    }
  };
}
