import { useMemo } from "react";
import { MessageBar, MessageBarType, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { checkSubject } from "#shared/sensitivity.js";

interface SubjectFieldProps {
  subject: string;
  onChange(subject: string): void;
}

/** The subject, with a warning when it looks like it holds personal data (it travels unencrypted). */
export function SubjectField({ subject, onChange }: SubjectFieldProps) {
  const { t } = useTranslation();
  const report = useMemo(() => checkSubject(subject), [subject]);
  return (
    <>
      <TextField
        label={t("mail.compose.subject")}
        description={t("mail.compose.subjectHelp")}
        value={subject}
        onChange={(_, v) => onChange(v ?? "")}
        maxLength={500}
        data-testid="compose-subject"
      />
      {report.sensitive ? (
        <MessageBar messageBarType={MessageBarType.severeWarning} isMultiline data-testid="subject-warning">
          {t("mail.compose.subjectWarning", {
            found: [
              ...new Set(
                report.findings.map((f) => (f.kind === "keyword" ? f.match.replace(/^\*|\*$/g, "") : f.match)),
              ),
            ].join(", "),
          })}
        </MessageBar>
      ) : null}
    </>
  );
}
