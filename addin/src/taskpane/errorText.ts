import type { TFunction } from "i18next";
import { errorText } from "#shared/api/errorText.js";
import { ApiError } from "./api.js";
import { AttachmentAddedError, ItemUpdateError } from "./secureSend.js";

export { errorText };

/** The pane's message for a failed send, in the user's language; the draft is never touched. */
export function sendErrorText(t: TFunction, err: unknown): string {
  if (err instanceof AttachmentAddedError) {
    const names = err.names.join(", ");
    if (err.messageId === null) return t("sendGuard.attachmentAdded", { names });
    return err.pending
      ? t("sendGuard.attachmentAddedBeforeNotify", { names })
      : t("sendGuard.attachmentAddedAfterSend", { names });
  }
  if (err instanceof ItemUpdateError) return t("compose.sentButItem", { message: err.message });
  if (err instanceof ApiError) return `${errorText(t, err)} ${t("errors.draftUntouched")}`;
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith("cloud_attachment:")) return t("errors.cloud");
  return t("errors.sendFailed", { message });
}
