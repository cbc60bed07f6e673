import { useRef, type ChangeEvent } from "react";
import { DefaultButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { AttachmentList, type UploadState } from "./AttachmentList.js";
import { composeClasses as classes } from "./composeStyles.js";

interface AttachmentsFieldProps {
  uploads: UploadState[];
  /** Files picked from disk, to upload. */
  onFiles(files: File[]): void;
  onCancel(key: string): void;
  onRemove(key: string): void;
}

/** "Attach files" (a hidden file input behind a button) and the uploads with their progress. */
export function AttachmentsField({ uploads, onFiles, onCancel, onRemove }: AttachmentsFieldProps) {
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);

  const handleChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = "";
    onFiles(files);
  };

  return (
    <div>
      <input
        ref={fileInput}
        id="compose-files"
        type="file"
        multiple
        className={classes.hiddenInput}
        onChange={handleChange}
        data-testid="compose-files"
        tabIndex={-1}
        aria-hidden="true"
      />
      <DefaultButton
        iconProps={{ iconName: "Attach" }}
        onClick={() => fileInput.current?.click()}
        data-testid="compose-attach"
      >
        {t("mail.compose.attach")}
      </DefaultButton>
      <AttachmentList uploads={uploads} onCancel={onCancel} onRemove={onRemove} />
    </div>
  );
}
