import { FontIcon, IconButton, mergeStyleSets, ProgressIndicator } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { formatSize } from "../mailbox/MessageView.js";
import { colors } from "../../theme.js";

export interface UploadState {
  key: string;
  name: string;
  size: number;
  sent: number;
  status: "uploading" | "done" | "failed" | "cancelled";
  attachmentId?: string;
  error?: string;
  abort?: () => void;
}

const classes = mergeStyleSets({
  list: { listStyle: "none", padding: 0, margin: "8px 0 0", display: "flex", flexDirection: "column", gap: 8 },
  item: {
    border: `1px solid ${colors.border}`,
    borderRadius: 6,
    padding: "6px 6px 6px 10px",
    background: colors.surface,
  },
  head: { display: "flex", alignItems: "center", gap: 8, minWidth: 0, fontSize: 14 },
  name: { flex: "1 1 auto", minWidth: 0, overflowWrap: "anywhere" },
  size: { color: colors.textMuted, flexShrink: 0, fontSize: 13 },
  failed: { color: colors.danger, fontSize: 13 },
});

interface AttachmentListProps {
  uploads: UploadState[];
  onCancel(key: string): void;
  onRemove(key: string): void;
}

/** The files of the message being written, each with its own progress bar and cancel/remove. */
export function AttachmentList({ uploads, onCancel, onRemove }: AttachmentListProps) {
  const { t, i18n } = useTranslation();
  if (uploads.length === 0) return null;
  return (
    <ul className={classes.list} aria-label={t("mail.compose.attachmentList")} data-testid="attachment-list">
      {uploads.map((u) => {
        const percent = u.size > 0 ? Math.min(1, u.sent / u.size) : u.status === "done" ? 1 : 0;
        return (
          <li key={u.key} className={classes.item} data-testid="upload" data-status={u.status}>
            <div className={classes.head}>
              <FontIcon iconName="Attach" aria-hidden="true" />
              <span className={classes.name}>{u.name}</span>
              <span className={classes.size}>{formatSize(u.size, i18n.language)}</span>
              {u.status === "uploading" ? (
                <IconButton
                  iconProps={{ iconName: "Cancel" }}
                  title={t("mail.compose.cancelUpload", { name: u.name })}
                  ariaLabel={t("mail.compose.cancelUpload", { name: u.name })}
                  onClick={() => onCancel(u.key)}
                  data-testid="upload-cancel"
                />
              ) : (
                <IconButton
                  iconProps={{ iconName: "Delete" }}
                  title={t("mail.compose.removeFile", { name: u.name })}
                  ariaLabel={t("mail.compose.removeFile", { name: u.name })}
                  onClick={() => onRemove(u.key)}
                  data-testid="upload-remove"
                />
              )}
            </div>
            {u.status === "uploading" || u.status === "done" ? (
              <ProgressIndicator
                percentComplete={percent}
                description={
                  u.status === "done"
                    ? t("mail.compose.uploaded")
                    : t("mail.compose.uploading", { percent: Math.round(percent * 100) })
                }
                ariaLabel={t("mail.compose.progressOf", { name: u.name })}
                styles={{ itemDescription: { fontSize: 12, color: colors.textSecondary }, root: { paddingRight: 8 } }}
              />
            ) : (
              <p className={classes.failed} role="alert">
                {u.status === "cancelled" ? t("mail.compose.cancelled") : u.error}
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
