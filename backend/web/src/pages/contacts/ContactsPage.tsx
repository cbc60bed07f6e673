import { useCallback, useEffect, useState, type FormEvent } from "react";
import {
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  FontIcon,
  IconButton,
  mergeStyleSets,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  SearchBox,
  Spinner,
  SpinnerSize,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { contactsApi, type Contact } from "../../api/contacts.js";
import { MailError } from "../mailbox/mailErrors.js";
import { registerMailIcons } from "../mailbox/icons.js";
import { looksLikeEmail } from "../../components/EmailStepForm.js";
import { colors } from "../../theme.js";

registerMailIcons();

const classes = mergeStyleSets({
  head: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12, marginBottom: 12 },
  title: { fontSize: 26, fontWeight: 600, margin: 0, marginRight: "auto" },
  search: { flex: "1 1 220px", maxWidth: 360, minWidth: 0 },
  list: {
    listStyle: "none",
    padding: 0,
    margin: 0,
    background: colors.surface,
    border: `1px solid ${colors.border}`,
    borderRadius: 8,
  },
  row: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: "6px 12px",
    padding: "12px 14px",
    borderBottom: `1px solid ${colors.divider}`,
    selectors: { ":last-child": { borderBottom: "none" } },
  },
  who: { flex: "1 1 220px", minWidth: 0 },
  name: { fontWeight: 600, overflowWrap: "anywhere" },
  detail: { fontSize: 13, color: colors.textSecondary, overflowWrap: "anywhere" },
  verified: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    fontWeight: 600,
    color: colors.successText,
    background: colors.successBackground,
    borderRadius: 10,
    padding: "1px 8px",
    marginLeft: 8,
  },
  unverified: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    fontSize: 12,
    color: colors.textSecondary,
    background: colors.neutralBackground,
    borderRadius: 10,
    padding: "1px 8px",
    marginLeft: 8,
  },
  actions: { display: "flex", alignItems: "center", gap: 4 },
  empty: { padding: 24, textAlign: "center", color: colors.textMuted },
  form: { display: "flex", flexDirection: "column", gap: 12 },
});

type Editing = { kind: "add" } | { kind: "edit"; contact: Contact } | { kind: "delete"; contact: Contact } | null;

/** The address book (F13): search, add, edit, delete, verified safe contacts, and a message to any of them. */
export function ContactsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [query, setQuery] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [mobile, setMobile] = useState("");
  const [formError, setFormError] = useState<unknown>(null);
  const [emailError, setEmailError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async (q: string) => {
    setError(null);
    try {
      setContacts((await contactsApi.list(q || undefined)).contacts);
    } catch (err) {
      setError(err);
      setContacts([]);
    }
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => void load(query.trim()), 200);
    return () => clearTimeout(timer);
  }, [query, load]);

  const open = (next: Editing) => {
    setEditing(next);
    setFormError(null);
    setEmailError(undefined);
    const c = next && next.kind !== "add" ? next.contact : null;
    setEmail(c?.email ?? "");
    setName(c?.name ?? "");
    setMobile(c?.mobile ?? "");
  };

  const handleSave = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    if (editing.kind === "add" && !looksLikeEmail(email)) {
      setEmailError(t("signIn.emailInvalid"));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      if (editing.kind === "add")
        await contactsApi.create({ email: email.trim(), name: name.trim() || null, mobile: mobile.trim() || null });
      if (editing.kind === "edit")
        await contactsApi.update(editing.contact.id, { name: name.trim() || null, mobile: mobile.trim() || null });
      if (editing.kind === "delete") await contactsApi.remove(editing.contact.id);
      setNotice(t(`mail.contacts.notice.${editing.kind}`, { name: name.trim() || email.trim() }));
      setEditing(null);
      await load(query.trim());
    } catch (err) {
      setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className={classes.head}>
        <h1 className={classes.title}>{t("mail.contacts.title")}</h1>
        <div className={classes.search}>
          <SearchBox
            placeholder={t("mail.contacts.search")}
            ariaLabel={t("mail.contacts.search")}
            value={query}
            onChange={(_, v) => setQuery(v ?? "")}
            data-testid="contacts-search"
          />
        </div>
        <PrimaryButton iconProps={{ iconName: "Add" }} onClick={() => open({ kind: "add" })} data-testid="contact-add">
          {t("mail.contacts.add")}
        </PrimaryButton>
      </div>
      <p style={{ margin: "0 0 12px", color: colors.textSecondary, lineHeight: "1.5" }}>{t("mail.contacts.lead")}</p>
      <div role="status" aria-live="polite">
        {notice ? (
          <MessageBar
            messageBarType={MessageBarType.success}
            onDismiss={() => setNotice(null)}
            dismissButtonAriaLabel={t("mail.common.close")}
          >
            {notice}
          </MessageBar>
        ) : null}
      </div>
      <MailError error={error} />
      {contacts === null ? (
        <Spinner size={SpinnerSize.medium} label={t("common.loading")} />
      ) : (
        <ul className={classes.list} aria-label={t("mail.contacts.title")} data-testid="contact-list">
          {contacts.length === 0 ? (
            <li className={classes.empty}>{query ? t("mail.contacts.noHits") : t("mail.contacts.empty")}</li>
          ) : null}
          {contacts.map((c) => (
            <li key={c.id} className={classes.row} data-testid="contact-row">
              <div className={classes.who}>
                <div className={classes.name}>
                  {c.name ?? c.email}
                  {c.verified ? (
                    <span className={classes.verified} data-testid="contact-verified">
                      <FontIcon iconName="Verified" aria-hidden="true" />
                      {t("mail.contacts.verified")}
                    </span>
                  ) : (
                    <span className={classes.unverified}>{t("mail.contacts.unverified")}</span>
                  )}
                </div>
                <div className={classes.detail}>
                  {c.name ? `${c.email} · ` : ""}
                  {c.mobile ?? t("mail.contacts.noMobile")}
                </div>
              </div>
              <div className={classes.actions}>
                <DefaultButton
                  iconProps={{ iconName: "Send" }}
                  onClick={() => navigate(`/compose?to=${encodeURIComponent(c.email)}`)}
                  data-testid="contact-send"
                >
                  {t("mail.contacts.send")}
                </DefaultButton>
                <IconButton
                  iconProps={{ iconName: "Edit" }}
                  title={t("mail.contacts.edit", { name: c.name ?? c.email })}
                  ariaLabel={t("mail.contacts.edit", { name: c.name ?? c.email })}
                  onClick={() => open({ kind: "edit", contact: c })}
                  data-testid="contact-edit"
                />
                <IconButton
                  iconProps={{ iconName: "Delete" }}
                  title={t("mail.contacts.delete", { name: c.name ?? c.email })}
                  ariaLabel={t("mail.contacts.delete", { name: c.name ?? c.email })}
                  onClick={() => open({ kind: "delete", contact: c })}
                  data-testid="contact-delete"
                />
              </div>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        hidden={!editing}
        onDismiss={() => setEditing(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: editing ? t(`mail.contacts.dialog.${editing.kind}`) : "",
          subText:
            editing?.kind === "delete"
              ? t("mail.contacts.dialog.deleteText", { name: editing.contact.name ?? editing.contact.email })
              : undefined,
        }}
        modalProps={{ isBlocking: false }}
        minWidth={320}
      >
        <form className={classes.form} onSubmit={(e) => void handleSave(e)} noValidate>
          {editing && editing.kind !== "delete" ? (
            <>
              <TextField
                label={t("mail.contacts.email")}
                type="email"
                value={email}
                onChange={(_, v) => setEmail(v ?? "")}
                disabled={editing.kind === "edit"}
                errorMessage={emailError}
                required
                autoFocus={editing.kind === "add"}
                data-testid="contact-email"
              />
              <TextField
                label={t("mail.contacts.name")}
                value={name}
                onChange={(_, v) => setName(v ?? "")}
                data-testid="contact-name"
              />
              <TextField
                label={t("mail.contacts.mobile")}
                description={t("mail.contacts.mobileHelp")}
                type="tel"
                value={mobile}
                onChange={(_, v) => setMobile(v ?? "")}
                data-testid="contact-mobile"
              />
            </>
          ) : null}
          <MailError error={formError} />
          <DialogFooter>
            <PrimaryButton type="submit" disabled={busy} data-testid="contact-save">
              {editing?.kind === "delete" ? t("mail.contacts.deleteButton") : t("mail.common.save")}
            </PrimaryButton>
            <DefaultButton onClick={() => setEditing(null)}>{t("mail.common.cancel")}</DefaultButton>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
