import { useEffect, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import {
  DefaultButton,
  FontIcon,
  mergeStyleSets,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  TextField,
  Toggle,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { checkSubject } from "#shared/sensitivity.js";
import { ApiError } from "../../api/client.js";
import { contactsApi, type Contact } from "../../api/contacts.js";
import {
  messagesApi,
  uploadAttachment,
  type ComposeDefaults,
  type SecurityOptions,
  type Template,
} from "../../api/messages.js";
import { MailError, mailErrorText } from "../mailbox/mailErrors.js";
import { registerMailIcons } from "../mailbox/icons.js";
import { looksLikeEmail } from "../../components/EmailStepForm.js";
import { AttachmentList, type UploadState } from "./AttachmentList.js";
import { RichTextEditor, textToHtml, type RichText } from "./RichTextEditor.js";
import { defaultOptions, splitAddresses, toggleKeys } from "./securityOptions.js";
import { colors } from "../../theme.js";

registerMailIcons();

const classes = mergeStyleSets({
  page: { maxWidth: 820, margin: "0 auto" },
  title: { fontSize: 26, fontWeight: 600, margin: "0 0 16px" },
  card: {
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
    padding: "16px 18px 20px",
    display: "flex",
    flexDirection: "column",
    gap: 14,
  },
  mobiles: {
    display: "flex",
    flexDirection: "column",
    gap: 10,
    background: colors.primaryTint,
    borderRadius: 6,
    padding: "10px 12px",
  },
  safe: { display: "flex", flexWrap: "wrap", gap: 6, fontSize: 13 },
  safeItem: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    background: colors.successBackground,
    color: colors.successText,
    borderRadius: 10,
    padding: "2px 8px",
  },
  fieldset: { border: `1px solid ${colors.border}`, borderRadius: 8, padding: "8px 14px 12px", margin: 0 },
  legend: { fontWeight: 600, padding: "0 6px" },
  toggles: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(240px, 1fr))", gap: "4px 20px" },
  forced: {
    display: "flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    fontWeight: 600,
    color: colors.successText,
    margin: "-4px 0 10px",
  },
  help: { fontSize: 13, color: colors.textMuted, margin: "-6px 0 8px", lineHeight: "1.4" },
  actions: { display: "flex", flexWrap: "wrap", gap: 12, alignItems: "center" },
  hiddenInput: { position: "absolute", width: 1, height: 1, opacity: 0, overflow: "hidden" },
});

/** A forced function's toggle: on and locked, drawn in a muted blue instead of disabled grey. */
const lockedToggle = {
  pill: { background: `${colors.locked} !important`, borderColor: `${colors.locked} !important` },
  thumb: { background: `${colors.surface} !important` },
  label: { color: colors.text },
};

/** Today's date as yyyy-mm-dd, the minimum of the expiry field. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The date `days` from today as yyyy-mm-dd (the org's default expiry, F4). */
function inDays(days: number): string {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * Write a secure message (F1–F6 in the browser): recipients (mobile asked once for people new
 * to Kuvert, prefilled from safe contacts), subject with the personal-data warning, body,
 * attachments streamed with progress, and the seven security functions.
 */
export function ComposePage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const replyTo = params.get("replyTo");
  const openDraft = params.get("draft");
  const [to, setTo] = useState(params.get("to") ?? "");
  const [toError, setToError] = useState<string | undefined>();
  const [mobiles, setMobiles] = useState<Record<string, string>>({});
  const [needMobile, setNeedMobile] = useState<string[]>([]);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState<RichText>({ html: "", text: "" });
  // Bumped when the body is replaced from outside the editor (draft, template, signature).
  const [bodyRevision, setBodyRevision] = useState(0);
  const [options, setOptions] = useState<SecurityOptions>(defaultOptions);
  const [expires, setExpires] = useState(false);
  const [expiryDate, setExpiryDate] = useState("");
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [signature, setSignature] = useState<string | null>(null);
  const [forced, setForced] = useState<ComposeDefaults["forced"]>([]);
  const [draftNotice, setDraftNotice] = useState(false);
  // Once saved, the draft is what gets sent (so it leaves the Drafts folder).
  const draftSaved = useRef(false);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [replyError, setReplyError] = useState<unknown>(null);
  const draftId = useRef<Promise<string> | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    contactsApi.list().then(
      (r) => setContacts(r.contacts),
      () => setContacts([]),
    );
    messagesApi.templates().then(setTemplates, () => setTemplates([]));
    messagesApi.composeDefaults().then(
      (d) => {
        setSignature(d.signature?.trim() ? d.signature : null);
        setForced(d.forced);
        if (openDraft) return;
        setOptions((o) => ({ ...o, ...d.defaults }));
        if (d.defaultExpiryDays) {
          setExpires(true);
          setExpiryDate(inDays(d.defaultExpiryDays));
        }
      },
      () => setSignature(null),
    );
  }, [openDraft]);

  useEffect(() => {
    if (!openDraft) return;
    draftId.current = Promise.resolve(openDraft);
    messagesApi.get(openDraft).then(
      (m) => {
        setTo((m.draftTo ?? []).map((r) => r.email).join(", "));
        setMobiles(
          Object.fromEntries((m.draftTo ?? []).filter((r) => r.mobile).map((r) => [r.email, r.mobile as string])),
        );
        setSubject(m.subject);
        setBody({ html: m.html ?? textToHtml(m.text ?? ""), text: m.text ?? "" });
        setBodyRevision((r) => r + 1);
        const saved = m.draftOptions;
        if (saved) {
          setOptions((o) => ({
            ...o,
            ...Object.fromEntries(toggleKeys.filter((k) => typeof saved[k] === "boolean").map((k) => [k, saved[k]])),
          }));
          setExpires(!!saved.expiresAt);
          setExpiryDate(saved.expiresAt ? saved.expiresAt.slice(0, 10) : "");
        }
        setUploads(
          m.attachments.map((a) => ({
            key: a.id,
            name: a.name,
            size: a.size,
            sent: a.size,
            status: "done" as const,
            attachmentId: a.id,
          })),
        );
      },
      (err: unknown) => setReplyError(err),
    );
  }, [openDraft]);

  useEffect(() => {
    if (!replyTo) return;
    messagesApi.get(replyTo).then(
      (m) => {
        if (m.sender) setTo(m.sender.email);
        setSubject(/^(re|sv):/i.test(m.subject) ? m.subject : `${t("mail.compose.replyPrefix")} ${m.subject}`.trim());
      },
      (err: unknown) => setReplyError(err),
    );
  }, [replyTo, t]);

  // "Saved" describes the text as it was saved: any later change hides it.
  useEffect(() => setDraftNotice(false), [to, subject, body.html, options, expires, expiryDate]);

  const addresses = useMemo(() => splitAddresses(to), [to]);
  const byEmail = useMemo(() => new Map(contacts.map((c) => [c.email.toLowerCase(), c])), [contacts]);
  const safe = addresses.map((a) => byEmail.get(a.toLowerCase())).filter((c): c is Contact => !!c && !!c.mobile);
  const subjectReport = useMemo(() => checkSubject(subject), [subject]);
  const uploading = uploads.some((u) => u.status === "uploading");

  const update = (key: string, patch: Partial<UploadState>) =>
    setUploads((prev) => prev.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const ensureDraft = (): Promise<string> => {
    draftId.current ??= messagesApi.createDraft(replyTo).then((d) => d.id);
    draftId.current.catch(() => {
      draftId.current = null;
    });
    return draftId.current;
  };

  const handleFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = "";
    for (const file of files) {
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setUploads((prev) => [...prev, { key, name: file.name, size: file.size, sent: 0, status: "uploading" }]);
      void (async () => {
        try {
          const id = await ensureDraft();
          const upload = uploadAttachment(id, file, (sent) => update(key, { sent }));
          update(key, { abort: upload.abort });
          const info = await upload.promise;
          update(key, { status: "done", sent: file.size, attachmentId: info.id, abort: undefined });
        } catch (err) {
          if (err instanceof ApiError && err.id === "aborted") update(key, { status: "cancelled", abort: undefined });
          else update(key, { status: "failed", error: mailErrorText(t, err), abort: undefined });
        }
      })();
    }
  };

  const handleRemove = async (key: string) => {
    const u = uploads.find((x) => x.key === key);
    setUploads((prev) => prev.filter((x) => x.key !== key));
    if (u?.attachmentId && draftId.current) {
      const id = await draftId.current;
      await messagesApi.removeAttachment(id, u.attachmentId).catch(() => undefined);
    }
  };

  const appendText = (text: string) => {
    setBody((b) => ({
      html: `${b.text ? b.html : ""}${textToHtml(text)}`,
      text: `${b.text ? `${b.text}\n\n` : ""}${text}`,
    }));
    setBodyRevision((r) => r + 1);
  };
  const bodyOut = () => ({ text: body.text, html: body.text ? body.html : null });
  // The templates in the page's language first, then the others.
  const lang = i18n.language.startsWith("en") ? "en" : "sv";
  const templateItems = [...templates]
    .sort((a, b) => Number(b.locale === lang) - Number(a.locale === lang))
    .map((tpl, i) => ({
      key: tpl.id ?? `builtin-${i}`,
      text: tpl.locale === lang ? tpl.name : `${tpl.name} (${tpl.locale.toUpperCase()})`,
      lang: tpl.locale,
      onClick: () => appendText(tpl.body),
      "data-testid": "template-item",
    }));

  const expiresAtNow = () => (expires && expiryDate ? new Date(`${expiryDate}T23:59:59`).toISOString() : null);
  const recipientsNow = () => addresses.map((email) => ({ email, mobile: mobiles[email]?.trim() || null }));

  const handleSaveDraft = async () => {
    setBusy(true);
    setError(null);
    setDraftNotice(false);
    try {
      const id = await ensureDraft();
      await messagesApi.saveDraft(id, {
        to: recipientsNow(),
        subject,
        body: bodyOut(),
        options: { ...options, expiresAt: expiresAtNow() },
      });
      draftSaved.current = true;
      setDraftNotice(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const handleSend = async (e: FormEvent) => {
    e.preventDefault();
    const bad = addresses.filter((a) => !looksLikeEmail(a));
    if (addresses.length === 0 || bad.length) {
      setToError(
        addresses.length === 0 ? t("mail.compose.toRequired") : t("mail.compose.toInvalid", { list: bad.join(", ") }),
      );
      return;
    }
    setToError(undefined);
    if (expires && !expiryDate) {
      setError(new ApiError(422, "invalid_expiry", ""));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const recipients = recipientsNow();
      const missing = await messagesApi.missingMobiles(recipients);
      if (missing.length) {
        setNeedMobile(missing);
        setBusy(false);
        return;
      }
      const expiresAt = expiresAtNow();
      const done = uploads.filter((u) => u.status === "done");
      const sent = await messagesApi.send({
        to: recipients,
        subject,
        body: bodyOut(),
        options: { ...options, ...Object.fromEntries(forced.map((k) => [k, true])), expiresAt },
        replyTo,
        // A saved or reopened draft is sent as itself (it leaves the Drafts folder).
        draftId: (done.length || openDraft || draftSaved.current) && draftId.current ? await draftId.current : null,
      });
      navigate(`/mailbox/sent/${sent.id}`, { state: { sent: true } });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className={classes.page}>
      <h1 className={classes.title}>
        {replyTo ? t("mail.compose.replyTitle") : openDraft ? t("mail.compose.draftTitle") : t("mail.compose.title")}
      </h1>
      <MailError error={replyError} />
      <form className={classes.card} onSubmit={handleSend} noValidate>
        <TextField
          label={t("mail.compose.to")}
          description={t("mail.compose.toHelp")}
          value={to}
          onChange={(_, v) => {
            setTo(v ?? "");
            setNeedMobile([]);
          }}
          errorMessage={toError}
          list="compose-contacts"
          autoComplete="off"
          required
          autoFocus={!replyTo}
          data-testid="compose-to"
        />
        <datalist id="compose-contacts">
          {contacts.map((c) => (
            <option key={c.id} value={c.email}>
              {c.name ?? c.email}
            </option>
          ))}
        </datalist>
        {safe.length ? (
          <div className={classes.safe} data-testid="safe-contacts">
            {safe.map((c) => (
              <span key={c.id} className={classes.safeItem}>
                <FontIcon iconName={c.verified ? "Verified" : "Phone"} aria-hidden="true" />
                {c.verified
                  ? t("mail.compose.safeContact", { email: c.email })
                  : t("mail.compose.knownMobile", { email: c.email })}
              </span>
            ))}
          </div>
        ) : null}
        {needMobile.length ? (
          <div className={classes.mobiles} data-testid="mobile-needed">
            <MessageBar messageBarType={MessageBarType.info} isMultiline>
              {t("mail.compose.mobileNeeded")}
            </MessageBar>
            {needMobile.map((email) => (
              <TextField
                key={email}
                label={t("mail.compose.mobileFor", { email })}
                type="tel"
                placeholder="+46 70 123 45 67"
                value={mobiles[email] ?? ""}
                onChange={(_, v) => setMobiles((m) => ({ ...m, [email]: v ?? "" }))}
                autoComplete="off"
                required
                data-testid="compose-mobile"
              />
            ))}
          </div>
        ) : null}
        <TextField
          label={t("mail.compose.subject")}
          description={t("mail.compose.subjectHelp")}
          value={subject}
          onChange={(_, v) => setSubject(v ?? "")}
          maxLength={500}
          data-testid="compose-subject"
        />
        {subjectReport.sensitive ? (
          <MessageBar messageBarType={MessageBarType.severeWarning} isMultiline data-testid="subject-warning">
            {t("mail.compose.subjectWarning", {
              found: [
                ...new Set(
                  subjectReport.findings.map((f) => (f.kind === "keyword" ? f.match.replace(/^\*|\*$/g, "") : f.match)),
                ),
              ].join(", "),
            })}
          </MessageBar>
        ) : null}
        <RichTextEditor
          label={t("mail.compose.body")}
          value={body}
          revision={bodyRevision}
          onChange={setBody}
          testId="compose-body"
        />
        {signature || templateItems.length ? (
          <div className={classes.actions}>
            {templateItems.length ? (
              <DefaultButton
                iconProps={{ iconName: "Edit" }}
                menuProps={{ items: templateItems, ariaLabel: t("mail.compose.templates") }}
                data-testid="insert-template"
              >
                {t("mail.compose.insertTemplate")}
              </DefaultButton>
            ) : null}
            {signature ? (
              <DefaultButton
                iconProps={{ iconName: "Edit" }}
                onClick={() => appendText(signature)}
                disabled={body.text.includes(signature.trim())}
                data-testid="insert-signature"
              >
                {t("mail.compose.insertSignature")}
              </DefaultButton>
            ) : null}
          </div>
        ) : null}
        <div>
          <input
            ref={fileInput}
            id="compose-files"
            type="file"
            multiple
            className={classes.hiddenInput}
            onChange={(e) => void handleFiles(e)}
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
          <AttachmentList
            uploads={uploads}
            onCancel={(key) => uploads.find((u) => u.key === key)?.abort?.()}
            onRemove={(key) => void handleRemove(key)}
          />
        </div>
        <fieldset className={classes.fieldset}>
          <legend className={classes.legend}>{t("mail.security.title")}</legend>
          <div className={classes.toggles}>
            {toggleKeys.map((key) => (
              <div key={key}>
                <Toggle
                  label={t(`mail.security.${key}.name`)}
                  checked={forced.includes(key) || options[key]}
                  disabled={forced.includes(key)}
                  styles={forced.includes(key) ? lockedToggle : undefined}
                  onChange={(_, v) => setOptions((o) => ({ ...o, [key]: !!v }))}
                  inlineLabel
                  aria-describedby={forced.includes(key) ? `forced-${key} help-${key}` : `help-${key}`}
                  data-testid={`option-${key}`}
                />
                <p id={`help-${key}`} className={classes.help}>
                  {t(`mail.security.${key}.help`)}
                </p>
                {forced.includes(key) ? (
                  <p id={`forced-${key}`} className={classes.forced} data-testid={`forced-${key}`}>
                    <svg
                      viewBox="0 0 24 24"
                      width="12"
                      height="12"
                      aria-hidden="true"
                      focusable="false"
                      fill="none"
                      stroke="currentColor"
                      strokeWidth="2.5"
                      strokeLinecap="round"
                    >
                      <path d="M6 11h12v10H6z" />
                      <path d="M8.5 11V7.5a3.5 3.5 0 0 1 7 0V11" />
                    </svg>
                    {t("mail.security.forced")}
                  </p>
                ) : null}
              </div>
            ))}
            <div>
              <Toggle
                label={t("mail.security.expiry.name")}
                checked={expires}
                onChange={(_, v) => setExpires(!!v)}
                inlineLabel
                aria-describedby="help-expiry"
                data-testid="option-expiry"
              />
              <p id="help-expiry" className={classes.help}>
                {t("mail.security.expiry.help")}
              </p>
              {expires ? (
                <TextField
                  label={t("mail.security.expiry.date")}
                  type="date"
                  min={today()}
                  value={expiryDate}
                  onChange={(_, v) => setExpiryDate(v ?? "")}
                  data-testid="option-expiry-date"
                />
              ) : null}
            </div>
          </div>
        </fieldset>
        <MailError error={error} />
        <div className={classes.actions}>
          <PrimaryButton
            type="submit"
            iconProps={{ iconName: "Send" }}
            disabled={busy || uploading}
            data-testid="compose-send"
          >
            {t("mail.compose.send")}
          </PrimaryButton>
          <DefaultButton
            iconProps={{ iconName: "Save" }}
            onClick={() => void handleSaveDraft()}
            disabled={busy || uploading}
            data-testid="compose-save-draft"
          >
            {t("mail.compose.saveDraft")}
          </DefaultButton>
          <DefaultButton onClick={() => navigate(-1)}>{t("mail.common.cancel")}</DefaultButton>
          {draftNotice ? (
            <span role="status" data-testid="draft-saved">
              {t("mail.compose.draftSaved")}
            </span>
          ) : null}
          {uploading ? <span role="status">{t("mail.compose.waitForUploads")}</span> : null}
        </div>
      </form>
    </div>
  );
}
