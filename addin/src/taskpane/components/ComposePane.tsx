import { useCallback, useEffect, useRef, useState } from "react";
import {
  DefaultButton,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  ProgressIndicator,
  Stack,
  Text,
  TextField,
  Toggle,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { Attachment, OfficeAdapter, Recipient } from "../../office/adapter.js";
import type { SignedInUser } from "../../auth/signIn.js";
import { checkSubjectRule, parseSubjectRule, type OrgSubjectRule } from "#shared/subjectWarning.js";
import { ApiError, apiJson, isAbortError, type KuvertApi } from "../api.js";
import { sendErrorText } from "../errorText.js";
import { InsertText } from "./InsertText.js";
import {
  allAddresses,
  AttachmentAddedError,
  finishNotification,
  optionNames,
  sendSecurely,
  type PendingNotification,
  type OptionName,
  type Progress,
  type SecurityOptions,
} from "../secureSend.js";
import { myMailboxes, sendIdentity, type MyMailbox } from "../sendAs.js";

export interface ComposePaneProps {
  office: OfficeAdapter;
  api: KuvertApi;
  user: SignedInUser;
  lang: "sv" | "en";
  onExpired(): void;
}

/** What the server uses for an option nobody set (before the organisation's policy applies). */
const fallbackOptions: Record<OptionName, boolean> = {
  hideRecipients: false,
  readReceipt: false,
  notify: true,
  idCheck: false,
  burnAfterReading: false,
  eyesOnly: false,
};

interface Item {
  addresses: string[];
  hasBcc: boolean;
  subject: string;
  attachments: Attachment[];
}

interface OrgOptions {
  defaults: Record<OptionName, boolean>;
  forced: OptionName[];
  defaultExpiryDays: number | null;
}

type Outcome = { kind: "error"; text: string } | { kind: "done"; text: string };

/** The compose task pane: reads the Outlook item, asks what is missing, sends securely (F1–F6). */
export function ComposePane({ office, api, user, lang, onExpired }: ComposePaneProps) {
  const { t } = useTranslation();
  const [item, setItem] = useState<Item | null>(null);
  const [mobilesNeeded, setMobilesNeeded] = useState<string[]>([]);
  const [mobiles, setMobiles] = useState<Record<string, string>>({});
  const [options, setOptions] = useState<Partial<SecurityOptions>>({});
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [step, setStep] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [org, setOrg] = useState<OrgOptions | null>(null);
  /** The organisation's subject rule (F24); warn until the settings arrive. */
  const [subjectRule, setSubjectRule] = useState<OrgSubjectRule>(() => parseSubjectRule(null));
  /** The message went, but its notification (the Outlook item) waits for an added attachment to go. */
  const [pending, setPending] = useState<PendingNotification | null>(null);
  /** Cancels the send in progress (until the message is posted). */
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement | null>(null);
  /** The item's From (null: the user's own address, or Outlook does not say). */
  const [from, setFrom] = useState<Recipient | null>(null);
  /** The shared mailboxes the user belongs to (null until loaded). */
  const [mailboxes, setMailboxes] = useState<MyMailbox[] | null>(null);
  // Mailbox 1.15: the pane sends the Outlook item as the recipients' one notification.
  const paneSends = office.canSend();

  useEffect(() => {
    void myMailboxes(api)
      .then(setMailboxes)
      .catch(() => setMailboxes(null)); // asked again when sending from another address
  }, [api]);

  useEffect(() => {
    void apiJson<{ options: OrgOptions; subjectRule?: unknown }>(api, "GET", "/api/addin/settings")
      .then((s) => {
        setOrg(s.options);
        setSubjectRule(parseSubjectRule(s.subjectRule));
      })
      .catch(() => setOrg(null)); // the built-in defaults are shown; the server applies the real ones
  }, [api]);

  const readItem = useCallback(async () => {
    // One Office call at a time (Outlook allows at most three in flight).
    const recipients = await office.getRecipients();
    const subject = await office.getSubject();
    const attachments = await office.getAttachments();
    setFrom(await office.getFrom().catch(() => null));
    setItem({ addresses: allAddresses(recipients), hasBcc: recipients.bcc.length > 0, subject, attachments });
  }, [office]);

  useEffect(() => {
    void readItem().catch((err: unknown) => setOutcome({ kind: "error", text: sendErrorText(t, err) }));
  }, [readItem, t]);

  const subjectCheck = item ? checkSubjectRule(item.subject, subjectRule, lang) : null;
  const identity = sendIdentity(from, mailboxes, user);
  const busy = step !== null && step !== "done";

  function optionValue(name: OptionName): boolean {
    if (org?.forced.includes(name)) return true;
    const set = options[name];
    if (set !== undefined) return set;
    if (name === "hideRecipients" && item?.hasBcc) return true;
    return (org?.defaults ?? fallbackOptions)[name];
  }

  function handleToggle(name: OptionName, checked: boolean) {
    setOptions((o) => ({ ...o, [name]: checked }));
  }

  function handleFiles(list: FileList | null) {
    if (!list) return;
    const picked = Array.from(list); // before the input is cleared for the next pick
    setFiles((f) => [...f, ...picked]);
  }

  function showError(err: unknown) {
    setStep(null);
    if (isAbortError(err)) {
      setOutcome({ kind: "error", text: t("compose.cancelled") });
      return;
    }
    if (err instanceof AttachmentAddedError && err.pending) setPending(err.pending);
    if (err instanceof ApiError && err.status === 401) onExpired();
    setOutcome({ kind: "error", text: sendErrorText(t, err) });
  }

  /** After the user removed the attachment added meanwhile: the notification goes now. */
  async function handleFinish() {
    if (!pending) return;
    setOutcome(null);
    setStep("notifying");
    try {
      await finishNotification(office, pending);
      setPending(null);
      setOutcome({ kind: "done", text: t("compose.sent") });
      setStep("done");
      setFiles([]);
    } catch (err) {
      showError(err);
    }
  }

  async function handleSend() {
    setOutcome(null);
    setProgress({});
    // Re-read: the user may have changed the item since the pane opened.
    const recipients = await office.getRecipients();
    const addresses = allAddresses(recipients);
    if (!addresses.length) {
      setOutcome({ kind: "error", text: t("compose.noRecipients") });
      return;
    }
    const missing = mobilesNeeded.filter((e) => !mobiles[e]?.trim());
    if (missing.length) {
      setOutcome({ kind: "error", text: t("errors.mobileRequired") });
      return;
    }
    // Re-read the From too (the user may have switched it), and the mailboxes if they did not load.
    const sendFrom = await office.getFrom().catch(() => null);
    setFrom(sendFrom);
    let known = mailboxes;
    if (sendIdentity(sendFrom, known, user).kind === "unknown") {
      try {
        known = await myMailboxes(api);
        setMailboxes(known);
      } catch (err) {
        showError(err);
        return;
      }
    }
    const as = sendIdentity(sendFrom, known, user);
    if (as.kind === "refused") {
      setOutcome({ kind: "error", text: t("compose.mailboxNoSend", { name: as.mailbox.name }) });
      return;
    }
    const chosen: Partial<SecurityOptions> = { ...options };
    if (recipients.bcc.length && chosen.hideRecipients === undefined) chosen.hideRecipients = true;
    setStep("encrypting");
    const controller = new AbortController();
    abort.current = controller;
    try {
      const result = await sendSecurely(
        {
          office,
          api,
          signal: controller.signal,
          onStep: setStep,
          onProgress: (p) => setProgress((all) => ({ ...all, [p.key]: p })),
        },
        {
          sender: { id: user.id, email: user.email },
          mailbox: as.kind === "mailbox" ? { id: as.mailbox.id, email: as.mailbox.email } : null,
          addresses,
          mobiles: Object.fromEntries(Object.entries(mobiles).map(([k, v]) => [k.toLowerCase(), v.trim()])),
          options: chosen,
          files,
          locale: lang,
        },
      );
      setOutcome({ kind: "done", text: result.sentByPane ? t("compose.sent") : t("compose.sentByKuvert") });
      setStep("done");
      setFiles([]);
    } catch (err) {
      if (err instanceof ApiError && err.id === "mobile_required" && Array.isArray(err.details.recipients)) {
        setMobilesNeeded(err.details.recipients.map(String));
      }
      showError(err);
    } finally {
      abort.current = null;
    }
  }

  const uploads = Object.values(progress);
  const percent = (sent: number, total: number) => (total ? Math.floor((sent / total) * 100) : 100);
  const totalSent = uploads.reduce((n, p) => n + p.sent, 0);
  const totalSize = uploads.reduce((n, p) => n + p.total, 0);
  const cancellable = step === "encrypting" || step === "uploading";

  return (
    <Stack tokens={{ childrenGap: 12 }} data-testid="compose-pane">
      <Stack tokens={{ childrenGap: 4 }}>
        <Text variant="mediumPlus" as="h2">
          {t("compose.recipients")}
        </Text>
        <Text data-testid="recipients">
          {item?.addresses.length ? item.addresses.join(", ") : t("compose.noRecipients")}
        </Text>
        <DefaultButton text={t("compose.refresh")} disabled={busy} onClick={() => void readItem()} />
      </Stack>

      {identity.kind === "mailbox" && (
        <MessageBar data-testid="send-as-mailbox" messageBarType={MessageBarType.info}>
          {t("compose.asMailbox", { name: identity.mailbox.name, email: identity.mailbox.email })}
        </MessageBar>
      )}
      {identity.kind === "refused" && (
        <MessageBar data-testid="mailbox-refused" messageBarType={MessageBarType.blocked}>
          {t("compose.mailboxNoSend", { name: identity.mailbox.name })}
        </MessageBar>
      )}
      {identity.kind === "foreign" && (
        <MessageBar data-testid="from-not-mailbox" messageBarType={MessageBarType.warning}>
          {t("compose.fromNotMailbox", { from: identity.email, own: user.email })}
        </MessageBar>
      )}

      {subjectCheck && subjectCheck.level !== "ok" && (
        <MessageBar
          data-testid="subject-warning"
          messageBarType={subjectCheck.level === "forbid" ? MessageBarType.blocked : MessageBarType.warning}
        >
          {subjectCheck.message}
        </MessageBar>
      )}

      {mobilesNeeded.length > 0 && (
        <Stack tokens={{ childrenGap: 8 }} data-testid="mobiles">
          <Text variant="mediumPlus" as="h2">
            {t("compose.mobileTitle")}
          </Text>
          <Text>{t("compose.mobileIntro")}</Text>
          {mobilesNeeded.map((email) => (
            <TextField
              key={email}
              type="tel"
              autoComplete="tel"
              label={t("compose.mobileLabel", { email })}
              data-testid={`mobile-${email}`}
              value={mobiles[email] ?? ""}
              onChange={(_e, v) => setMobiles((m) => ({ ...m, [email]: v ?? "" }))}
            />
          ))}
        </Stack>
      )}

      <InsertText
        office={office}
        api={api}
        disabled={busy || step === "done"}
        onError={(err) => setOutcome({ kind: "error", text: sendErrorText(t, err) })}
      />

      <Stack tokens={{ childrenGap: 4 }}>
        <Text variant="mediumPlus" as="h2">
          {t("compose.functions")}
        </Text>
        <Text variant="small">{t("compose.orgDefault")}</Text>
        {optionNames.map((name) => (
          <Toggle
            key={name}
            label={t(`compose.${name}`)}
            inlineLabel
            checked={optionValue(name)}
            disabled={busy || !!org?.forced.includes(name)}
            data-testid={`option-${name}`}
            onChange={(_e, c) => handleToggle(name, !!c)}
          />
        ))}
        <TextField
          type="date"
          label={t("compose.expiresOn")}
          value={options.expiresOn ?? ""}
          disabled={busy}
          onChange={(_e, v) => setOptions((o) => ({ ...o, expiresOn: v ?? "" }))}
        />
      </Stack>

      <Stack tokens={{ childrenGap: 4 }}>
        <Text variant="mediumPlus" as="h2">
          {t("compose.attachments")}
        </Text>
        {item && item.attachments.length > 0 && (
          <Text data-testid="outlook-attachments">
            {t("compose.outlookAttachments", { names: item.attachments.map((a) => a.name).join(", ") })}
          </Text>
        )}
        {/* The browser's own file control speaks the browser's language, not the pane's: a Fluent button opens it. */}
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-hidden="true"
          tabIndex={-1}
          data-testid="add-files"
          disabled={busy}
          onChange={(e) => {
            handleFiles(e.target.files);
            e.target.value = "";
          }}
        />
        <DefaultButton
          text={t("compose.addFiles")}
          disabled={busy}
          onClick={() => fileInput.current?.click()}
          data-testid="add-files-button"
        />
        {files.map((f, i) => (
          <Stack key={`${f.name}-${i}`} horizontal verticalAlign="center" tokens={{ childrenGap: 8 }}>
            <Text>{f.name}</Text>
            <DefaultButton
              text={t("compose.removeFile", { name: f.name })}
              disabled={busy}
              onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}
            />
          </Stack>
        ))}
        {uploads.map((p) => (
          <div key={p.key} data-testid="upload-progress">
            <ProgressIndicator
              label={t("compose.progressFile", { name: p.name, percent: percent(p.sent, p.total) })}
              percentComplete={p.total ? p.sent / p.total : 1}
            />
          </div>
        ))}
        {uploads.length > 1 && (
          <div data-testid="upload-progress-total">
            <ProgressIndicator
              label={t("compose.progressTotal", { percent: percent(totalSent, totalSize) })}
              percentComplete={totalSize ? totalSent / totalSize : 1}
            />
          </div>
        )}
      </Stack>

      {step && step !== "done" && <Text data-testid="step">{t(`compose.step.${step}`)}</Text>}
      {outcome && (
        <MessageBar
          data-testid={outcome.kind === "error" ? "send-error" : "send-done"}
          messageBarType={outcome.kind === "error" ? MessageBarType.error : MessageBarType.success}
        >
          {outcome.text}
        </MessageBar>
      )}
      {!paneSends && step !== "done" && (
        <MessageBar data-testid="compose-fallback" messageBarType={MessageBarType.info}>
          {t("compose.fallback")}
        </MessageBar>
      )}
      {pending ? (
        <PrimaryButton
          data-testid="finish-notification"
          text={t("compose.finish")}
          disabled={busy}
          onClick={() => void handleFinish()}
        />
      ) : (
        <PrimaryButton
          data-testid="send-securely"
          text={busy ? t("compose.sending") : t("compose.send")}
          disabled={busy || step === "done" || subjectCheck?.level === "forbid" || identity.kind === "refused"}
          onClick={() => void handleSend()}
        />
      )}
      {cancellable && (
        <DefaultButton data-testid="cancel-send" text={t("compose.cancel")} onClick={() => abort.current?.abort()} />
      )}
    </Stack>
  );
}
