import { useState, type FormEvent } from "react";
import { DefaultButton, MessageBar, MessageBarType, PrimaryButton, TextField } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { messagesApi, type MessageSource } from "../../api/messages.js";
import { MailError } from "./mailErrors.js";

/** ID check (F4): the message opens after an SMS code, once per session. */
export function IdCheck({
  messageId,
  onPassed,
  source = messagesApi,
}: {
  messageId: string;
  onPassed(): void;
  /** A shared mailbox's messages check through the mailbox (the code still goes to the member). */
  source?: Pick<MessageSource, "sendIdCheckCode" | "verifyIdCheck">;
}) {
  const { t } = useTranslation();
  const [sent, setSent] = useState<{ mobile: string | null } | null>(null);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const handleSend = async () => {
    setBusy(true);
    setError(null);
    try {
      setSent(await source.sendIdCheckCode(messageId));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleVerify = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await source.verifyIdCheck(messageId, code.replace(/\s+/g, ""));
      onPassed();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => void handleVerify(e)}
      style={{ display: "flex", flexDirection: "column", gap: 12, marginTop: 12 }}
      noValidate
      data-testid="id-check"
    >
      <MessageBar messageBarType={MessageBarType.info} isMultiline>
        {sent
          ? sent.mobile
            ? t("mail.idCheck.sentTo", { mobile: sent.mobile })
            : t("mail.idCheck.sent")
          : t("mail.idCheck.lead")}
      </MessageBar>
      {sent ? (
        <TextField
          label={t("secondFactor.codeLabel.sms")}
          value={code}
          onChange={(_, v) => setCode(v ?? "")}
          autoComplete="one-time-code"
          inputMode="numeric"
          autoFocus
          required
          data-testid="id-check-code"
        />
      ) : null}
      <MailError error={error} />
      <div style={{ display: "flex", flexWrap: "wrap", gap: 12 }}>
        {sent ? (
          <PrimaryButton type="submit" disabled={busy || !code.trim()} data-testid="id-check-verify">
            {t("mail.idCheck.open")}
          </PrimaryButton>
        ) : null}
        <DefaultButton onClick={() => void handleSend()} disabled={busy} data-testid="id-check-send">
          {sent ? t("mail.recipient.resend") : t("mail.idCheck.send")}
        </DefaultButton>
      </div>
    </form>
  );
}
