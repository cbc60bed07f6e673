import { useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from "react";
import { MessageBar, MessageBarType } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../api/client.js";
import { contactsApi, type Contact } from "../../api/contacts.js";
import { Dropdown } from "@fluentui/react";
import { messagesApi, sharedApi, uploadAttachment, type SharedMailbox, type Template } from "../../api/messages.js";
import { useSession } from "../../session/SessionContext.js";
import { looksLikeEmail } from "../../components/EmailStepForm.js";
import { checkSubjectRule, parseSubjectRule, type OrgSubjectRule } from "#shared/subjectWarning.js";
import { MailError, mailErrorText } from "../mailbox/mailErrors.js";
import { registerMailIcons } from "../mailbox/icons.js";
import { AttachmentsField } from "./AttachmentsField.js";
import { BodyField } from "./BodyField.js";
import { ComposeActions } from "./ComposeActions.js";
import { composeReducer, draftFields, expiresAt, initialComposeState, recipients } from "./composeState.js";
import { composeClasses as classes } from "./composeStyles.js";
import { RecipientFields } from "./RecipientFields.js";
import { textToHtml } from "./RichTextEditor.js";
import { SecurityFunctions } from "./SecurityFunctions.js";
import { splitAddresses } from "./securityOptions.js";
import { SubjectField } from "./SubjectField.js";

registerMailIcons();

/** The date `days` from today as yyyy-mm-dd (the org's default expiry, F4). */
function inDays(days: number): string {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * Write a secure message (F1–F6 in the browser): recipients (mobile asked once for people new
 * to Kuvert, prefilled from safe contacts), subject with the personal-data warning, body,
 * attachments streamed with progress, and the seven security functions. The state and its
 * transitions live in composeState.ts; this component loads, uploads and sends.
 */
export function ComposePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const replyTo = params.get("replyTo");
  // Sending as a shared mailbox (F25): a reply from it, or a new message with the From chooser.
  const [mailbox, setMailbox] = useState<string | null>(params.get("mailbox"));
  const [mailboxes, setMailboxes] = useState<SharedMailbox[]>([]);
  const { user } = useSession();
  const openDraft = params.get("draft");
  const [state, dispatch] = useReducer(composeReducer, params.get("to") ?? "", initialComposeState);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [templates, setTemplates] = useState<Template[]>([]);
  // Once saved, the draft is what gets sent (so it leaves the Drafts folder).
  const draftSaved = useRef(false);
  const draftId = useRef<Promise<string> | null>(null);
  // The From the mandatory signature on show was asked for.
  const signatureFor = useRef<string | null>(mailbox);
  // The organisation's subject rule (F24); warn until compose-defaults arrive.
  const [subjectRule, setSubjectRule] = useState<OrgSubjectRule>(() => parseSubjectRule(null));
  const subjectForbidden = useMemo(
    () => checkSubjectRule(state.subject, subjectRule).level === "forbid",
    [state.subject, subjectRule],
  );

  useEffect(() => {
    contactsApi.list().then(
      (r) => setContacts(r.contacts),
      () => setContacts([]),
    );
    messagesApi.templates().then(setTemplates, () => setTemplates([]));
    sharedApi.mine().then(setMailboxes, () => setMailboxes([]));
    messagesApi.composeDefaults(signatureFor.current).then(
      (d) => {
        setSubjectRule(parseSubjectRule(d.subjectRule));
        dispatch({
          type: "defaultsLoaded",
          defaults: d,
          expiryDate: d.defaultExpiryDays ? inDays(d.defaultExpiryDays) : null,
          isDraft: !!openDraft,
        });
      },
      () => undefined,
    );
  }, [openDraft]);

  // The mandatory signature shown is the one the server appends: the mailbox's when From is one.
  useEffect(() => {
    if (signatureFor.current === mailbox) return;
    signatureFor.current = mailbox;
    messagesApi.composeDefaults(mailbox).then(
      (d) => {
        if (signatureFor.current === mailbox) dispatch({ type: "mandatorySignatureLoaded", defaults: d });
      },
      () => undefined,
    );
  }, [mailbox]);

  useEffect(() => {
    if (!openDraft) return;
    draftId.current = Promise.resolve(openDraft);
    messagesApi.get(openDraft).then(
      (m) => dispatch({ type: "draftLoaded", draft: draftFields(m, textToHtml) }),
      (err: unknown) => dispatch({ type: "loadFailed", error: err }),
    );
  }, [openDraft]);

  useEffect(() => {
    if (!replyTo) return;
    (mailbox ? sharedApi.source(mailbox) : messagesApi).get(replyTo).then(
      (m) =>
        dispatch({
          type: "replyLoaded",
          to: m.sender?.email ?? null,
          subject: /^(re|sv):/i.test(m.subject) ? m.subject : `${t("mail.compose.replyPrefix")} ${m.subject}`.trim(),
        }),
      (err: unknown) => dispatch({ type: "loadFailed", error: err }),
    );
    // The mailbox of a reply is fixed when the page opens.
  }, [replyTo, t]);

  const senders = mailboxes.filter((m) => m.rights.send || m.id === mailbox);
  const addresses = useMemo(() => splitAddresses(state.to), [state.to]);
  const byEmail = useMemo(() => new Map(contacts.map((c) => [c.email.toLowerCase(), c])), [contacts]);
  const safe = addresses.map((a) => byEmail.get(a.toLowerCase())).filter((c): c is Contact => !!c && !!c.mobile);
  const uploading = state.uploads.some((u) => u.status === "uploading");

  const ensureDraft = (): Promise<string> => {
    draftId.current ??= messagesApi.createDraft(replyTo).then((d) => d.id);
    draftId.current.catch(() => {
      draftId.current = null;
    });
    return draftId.current;
  };

  const handleFiles = (files: File[]) => {
    for (const file of files) {
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      dispatch({
        type: "uploadAdded",
        upload: { key, name: file.name, size: file.size, sent: 0, status: "uploading" },
      });
      void (async () => {
        try {
          const id = await ensureDraft();
          const upload = uploadAttachment(id, file, (sent) =>
            dispatch({ type: "uploadChanged", key, patch: { sent } }),
          );
          dispatch({ type: "uploadChanged", key, patch: { abort: upload.abort } });
          const info = await upload.promise;
          dispatch({
            type: "uploadChanged",
            key,
            patch: { status: "done", sent: file.size, attachmentId: info.id, abort: undefined },
          });
        } catch (err) {
          const patch =
            err instanceof ApiError && err.id === "aborted"
              ? { status: "cancelled" as const, abort: undefined }
              : { status: "failed" as const, error: mailErrorText(t, err), abort: undefined };
          dispatch({ type: "uploadChanged", key, patch });
        }
      })();
    }
  };

  const handleRemove = async (key: string) => {
    const u = state.uploads.find((x) => x.key === key);
    dispatch({ type: "uploadRemoved", key });
    if (u?.attachmentId && draftId.current) {
      const id = await draftId.current;
      await messagesApi.removeAttachment(id, u.attachmentId).catch(() => undefined);
    }
  };

  const bodyOut = () => ({ text: state.body.text, html: state.body.text ? state.body.html : null });

  const handleSaveDraft = async () => {
    dispatch({ type: "submitted" });
    try {
      const id = await ensureDraft();
      await messagesApi.saveDraft(id, {
        to: recipients(addresses, state.mobiles),
        subject: state.subject,
        body: bodyOut(),
        options: { ...state.options, expiresAt: expiresAt(state) },
      });
      draftSaved.current = true;
      dispatch({ type: "draftSaved" });
    } catch (err) {
      dispatch({ type: "failed", error: err });
    }
  };

  const handleSend = async (e: FormEvent) => {
    e.preventDefault();
    const bad = addresses.filter((a) => !looksLikeEmail(a));
    if (addresses.length === 0 || bad.length) {
      dispatch({
        type: "toChecked",
        error:
          addresses.length === 0 ? t("mail.compose.toRequired") : t("mail.compose.toInvalid", { list: bad.join(", ") }),
      });
      return;
    }
    dispatch({ type: "toChecked", error: undefined });
    if (subjectForbidden) return; // the warning under the subject says why; the server refuses it too
    if (state.expires && !state.expiryDate) {
      dispatch({ type: "failed", error: new ApiError(422, "invalid_expiry", "") });
      return;
    }
    dispatch({ type: "submitted" });
    try {
      const to = recipients(addresses, state.mobiles);
      const missing = await messagesApi.missingMobiles(to);
      if (missing.length) {
        dispatch({ type: "mobilesNeeded", emails: missing });
        return;
      }
      const done = state.uploads.filter((u) => u.status === "done");
      const input = {
        to,
        subject: state.subject,
        body: bodyOut(),
        options: {
          ...state.options,
          ...Object.fromEntries(state.forced.map((k) => [k, true])),
          expiresAt: expiresAt(state),
        },
        replyTo,
        // A saved or reopened draft is sent as itself (it leaves the Drafts folder).
        draftId: (done.length || openDraft || draftSaved.current) && draftId.current ? await draftId.current : null,
      };
      if (mailbox) {
        const sent = await sharedApi.send(mailbox, input);
        navigate(`/shared/${mailbox}/sent/${sent.id}`, { state: { sent: true } });
        return;
      }
      const sent = await messagesApi.send(input);
      navigate(`/mailbox/sent/${sent.id}`, { state: { sent: true } });
    } catch (err) {
      dispatch({ type: "failed", error: err });
    }
  };

  return (
    <div className={classes.page}>
      <h1 className={classes.title}>
        {replyTo ? t("mail.compose.replyTitle") : openDraft ? t("mail.compose.draftTitle") : t("mail.compose.title")}
      </h1>
      <MailError error={state.loadError} />
      <form className={classes.card} onSubmit={handleSend} noValidate>
        {senders.length > 0 && !openDraft ? (
          <Dropdown
            label={t("mail.shared.from")}
            selectedKey={mailbox ?? "me"}
            options={[
              { key: "me", text: t("mail.shared.fromMe", { email: user?.email ?? "" }) },
              ...senders.map((m) => ({ key: m.id, text: `${m.name} <${m.email}>` })),
            ]}
            disabled={!!replyTo}
            onChange={(_, option) => setMailbox(option && option.key !== "me" ? String(option.key) : null)}
            data-testid="compose-from"
          />
        ) : null}
        <RecipientFields state={state} dispatch={dispatch} contacts={contacts} safe={safe} autoFocus={!replyTo} />
        <SubjectField
          subject={state.subject}
          rule={subjectRule}
          onChange={(subject) => dispatch({ type: "subjectChanged", subject })}
        />
        <BodyField
          body={state.body}
          revision={state.bodyRevision}
          onChange={(body) => dispatch({ type: "bodyChanged", body })}
          templates={templates}
          signature={state.signature}
          onAppend={(text) => dispatch({ type: "textAppended", text, html: textToHtml(text) })}
        />
        {state.mandatorySignature ? (
          <MessageBar messageBarType={MessageBarType.info} isMultiline data-testid="mandatory-signature">
            {t("mail.compose.mandatorySignature")}
            <span className={classes.signaturePreview}>{state.mandatorySignature}</span>
          </MessageBar>
        ) : null}
        {mailbox ? (
          <p style={{ fontSize: 14, margin: 0 }}>{t("mail.shared.noAttachments")}</p>
        ) : (
          <AttachmentsField
            uploads={state.uploads}
            onFiles={handleFiles}
            onCancel={(key) => state.uploads.find((u) => u.key === key)?.abort?.()}
            onRemove={(key) => void handleRemove(key)}
          />
        )}
        <SecurityFunctions state={state} dispatch={dispatch} />
        <MailError error={state.error} />
        <ComposeActions
          busy={state.busy}
          uploading={uploading}
          draftNotice={state.draftNotice}
          sendBlocked={subjectForbidden}
          onSaveDraft={mailbox ? undefined : () => void handleSaveDraft()}
          onCancel={() => navigate(-1)}
        />
      </form>
    </div>
  );
}
