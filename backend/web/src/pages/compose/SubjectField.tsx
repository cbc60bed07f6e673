import { useMemo } from "react";
import { MessageBar, MessageBarType, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { checkSubjectRule, type OrgSubjectRule } from "#shared/subjectWarning.js";

interface SubjectFieldProps {
  subject: string;
  /** The organisation's subject rule (F24): warn, forbid (the composer refuses to send) or off. */
  rule: OrgSubjectRule;
  onChange(subject: string): void;
}

/**
 * The subject, with a warning when it looks like it holds personal data or one of the
 * organisation's keywords (it travels unencrypted); under a forbidding rule the warning says the
 * message cannot be sent until the subject is changed.
 */
export function SubjectField({ subject, rule, onChange }: SubjectFieldProps) {
  const { t } = useTranslation();
  const check = useMemo(() => checkSubjectRule(subject, rule), [subject, rule]);
  const found = [
    ...new Set(check.findings.map((f) => (f.kind === "keyword" ? f.match.replace(/^\*|\*$/g, "") : f.match))),
  ].join(", ");
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
      {check.level === "warn" ? (
        <MessageBar messageBarType={MessageBarType.severeWarning} isMultiline data-testid="subject-warning">
          {t("mail.compose.subjectWarning", { found })}
        </MessageBar>
      ) : check.level === "forbid" ? (
        <MessageBar messageBarType={MessageBarType.blocked} isMultiline data-testid="subject-forbidden">
          {t("mail.compose.subjectForbidden", { found })}
        </MessageBar>
      ) : null}
    </>
  );
}
