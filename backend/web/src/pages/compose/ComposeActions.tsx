import { DefaultButton, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { composeClasses as classes } from "./composeStyles.js";

interface ComposeActionsProps {
  busy: boolean;
  uploading: boolean;
  draftNotice: boolean;
  /** The organisation's subject rule forbids the subject: Send stays off until it is changed. */
  sendBlocked?: boolean;
  /** Absent where drafts are not kept (sending as a shared mailbox). */
  onSaveDraft?: () => void;
  onCancel(): void;
}

/** Send (the form's submit), Save draft and Cancel, with the saved and uploading notes. */
export function ComposeActions({
  busy,
  uploading,
  draftNotice,
  sendBlocked,
  onSaveDraft,
  onCancel,
}: ComposeActionsProps) {
  const { t } = useTranslation();
  return (
    <div className={classes.actions}>
      <PrimaryButton
        type="submit"
        iconProps={{ iconName: "Send" }}
        disabled={busy || uploading || sendBlocked}
        data-testid="compose-send"
      >
        {t("mail.compose.send")}
      </PrimaryButton>
      {onSaveDraft ? (
        <DefaultButton
          iconProps={{ iconName: "Save" }}
          onClick={onSaveDraft}
          disabled={busy || uploading}
          data-testid="compose-save-draft"
        >
          {t("mail.compose.saveDraft")}
        </DefaultButton>
      ) : null}
      <DefaultButton onClick={onCancel}>{t("mail.common.cancel")}</DefaultButton>
      {draftNotice ? (
        <span role="status" data-testid="draft-saved">
          {t("mail.compose.draftSaved")}
        </span>
      ) : null}
      {uploading ? <span role="status">{t("mail.compose.waitForUploads")}</span> : null}
    </div>
  );
}
