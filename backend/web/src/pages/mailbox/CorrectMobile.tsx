import { useState, type FormEvent } from "react";
import {
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  Link as FluentLink,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { messagesApi, type Person } from "../../api/messages.js";
import { MailError } from "./mailErrors.js";

/**
 * The sender's way to fix a first-time recipient's mobile number after a "wrong number" notice:
 * the next SMS code goes to the new number. Recipients who already have an account are refused.
 */
export function CorrectMobile({ messageId, recipient }: { messageId: string; recipient: Person }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [mobile, setMobile] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const handleSave = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await messagesApi.correctMobile(messageId, recipient.id, mobile.trim());
      setDone(r.mobile ?? mobile.trim());
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <FluentLink onClick={() => setOpen(true)} style={{ fontSize: 13 }} data-testid="correct-mobile">
        {t("mail.correctMobile.open")}
      </FluentLink>
      {done ? (
        <MessageBar messageBarType={MessageBarType.success} isMultiline styles={{ root: { marginTop: 4 } }}>
          {t("mail.correctMobile.done", { mobile: done })}
        </MessageBar>
      ) : null}
      <Dialog
        hidden={!open}
        onDismiss={() => setOpen(false)}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("mail.correctMobile.title"),
          subText: t("mail.correctMobile.text", { email: recipient.email }),
        }}
        modalProps={{ isBlocking: false }}
      >
        <form onSubmit={(e) => void handleSave(e)} noValidate>
          <TextField
            label={t("mail.contacts.mobile")}
            description={t("mail.contacts.mobileHelp")}
            type="tel"
            value={mobile}
            onChange={(_, v) => setMobile(v ?? "")}
            required
            autoFocus
            data-testid="correct-mobile-input"
          />
          <MailError error={error} />
          <DialogFooter>
            <PrimaryButton type="submit" disabled={busy || !mobile.trim()} data-testid="correct-mobile-save">
              {t("mail.common.save")}
            </PrimaryButton>
            <DefaultButton onClick={() => setOpen(false)}>{t("mail.common.cancel")}</DefaultButton>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
