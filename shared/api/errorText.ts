/**
 * One lookup from an API failure to the user's language, for the web app and the add-in:
 * `errors.<id>` in the app's locale (every id in shared/errorIds.ts has a Swedish and an
 * English text there), with the wait of a rate limit as plural variants, and `errors.generic`
 * for anything else.
 */
import type { TFunction } from "i18next";
import { ApiError } from "./client.js";

/** A translated sentence for a failure (never the server's English text). */
export function errorText(t: TFunction, err: unknown): string {
  if (!(err instanceof ApiError)) return t("errors.generic");
  if (err.id === "rate_limited") {
    const seconds = err.retryAfter;
    if (seconds === null) return t("errors.rate_limited");
    if (seconds < 60) return t("errors.rate_limited_seconds", { count: seconds });
    return t("errors.rate_limited_minutes", { count: Math.ceil(seconds / 60) });
  }
  return t(`errors.${err.id}`, { defaultValue: t("errors.generic") });
}
