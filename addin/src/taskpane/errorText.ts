import type { TFunction } from "i18next";
import { ApiError } from "./api.js";
import { ItemUpdateError } from "./secureSend.js";

/** The pane's message for a failed send, in the user's language. */
export function sendErrorText(t: TFunction, err: unknown): string {
  if (err instanceof ItemUpdateError) return t("compose.sentButItem", { message: err.message });
  if (err instanceof ApiError) {
    if (err.code === "offline") return t("errors.offline");
    if (err.status === 401) return t("errors.expired");
    if (err.code === "plan_quota_exceeded") return t("errors.quota");
    if (err.code === "plan_reply_only") return t("errors.replyOnly");
    if (err.code === "mobile_required") return t("errors.mobileRequired");
    if (err.code === "invalid_mobile") return t("errors.invalidMobile");
    if (err.code === "attachment_too_large") return t("errors.tooLarge");
    return t("errors.generic", { message: err.message });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith("cloud_attachment:")) return t("errors.cloud");
  return t("errors.generic", { message });
}
