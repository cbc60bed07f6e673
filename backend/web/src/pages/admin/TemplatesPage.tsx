import { useState } from "react";
import {
  ChoiceGroup,
  DefaultButton,
  Dialog,
  DialogFooter,
  DialogType,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminTemplateApi, type AdminTemplate, type TemplateInput, type TemplateLocale } from "../../api/admin.js";
import { formClasses } from "../../components/formStyles.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError, SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";

const otherLocale = (l: TemplateLocale): TemplateLocale => (l === "sv" ? "en" : "sv");

/** What the editor holds: a new template (id null) or a change to one. */
interface Editing extends TemplateInput {
  id: string | null;
}

/** The text as the composers insert it: plain text, line breaks kept. */
function TemplatePreview({ body }: { body: string }) {
  const { t } = useTranslation();
  return (
    <div className={adminClasses.preview} aria-label={t("admin.templates.preview")} role="group">
      <p className={adminClasses.previewLabel}>{t("admin.templates.preview")}</p>
      <div className={adminClasses.previewBody} data-testid="template-preview">
        {body.trim() ? body : <em>{t("admin.templates.previewEmpty")}</em>}
      </div>
    </div>
  );
}

function TemplateEditor(props: { editing: Editing; onSaved(name: string): Promise<void>; onCancel(): void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Editing>(props.editing);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);

  const save = async () => {
    const input = { name: draft.name.trim(), body: draft.body, locale: draft.locale };
    if (!input.name) return setInvalid(t("admin.templates.nameRequired"));
    if (!input.body.trim()) return setInvalid(t("admin.templates.bodyRequired"));
    setInvalid(null);
    setError(null);
    setBusy(true);
    try {
      if (draft.id) await adminTemplateApi.change(draft.id, input);
      else await adminTemplateApi.create(input);
      await props.onSaved(input.name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsCard
      id="template-editor"
      title={draft.id ? t("admin.templates.editTitle") : t("admin.templates.newTitle")}
      lead={t("admin.templates.editorLead")}
    >
      <div className={formClasses.form}>
        <TextField
          label={t("admin.templates.name")}
          value={draft.name}
          maxLength={100}
          required
          onChange={(_e, v) => setDraft({ ...draft, name: v ?? "" })}
          data-testid="template-name"
        />
        <ChoiceGroup
          label={t("admin.templates.language")}
          selectedKey={draft.locale}
          onChange={(_e, o) => setDraft({ ...draft, locale: (o?.key ?? "sv") as TemplateLocale })}
          options={[
            { key: "sv", text: t("admin.templates.locale.sv") },
            { key: "en", text: t("admin.templates.locale.en") },
          ]}
          data-testid="template-locale"
        />
        <TextField
          label={t("admin.templates.body")}
          description={t("admin.templates.bodyHelp")}
          multiline
          rows={6}
          maxLength={20000}
          required
          value={draft.body}
          onChange={(_e, v) => setDraft({ ...draft, body: v ?? "" })}
          data-testid="template-body"
        />
        <TemplatePreview body={draft.body} />
        {invalid ? (
          <p role="alert" className={adminClasses.invalid} data-testid="template-invalid">
            {invalid}
          </p>
        ) : null}
        <SettingsError error={error} />
        <div className={formClasses.actions}>
          <PrimaryButton onClick={() => void save()} disabled={busy} data-testid="template-save">
            {t("admin.templates.save")}
          </PrimaryButton>
          <DefaultButton onClick={props.onCancel} disabled={busy}>
            {t("settings.cancel")}
          </DefaultButton>
        </div>
      </div>
    </SettingsCard>
  );
}

/** Templates (F5, issue 10): the organisation's text snippets for the composers, in Swedish and English. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const loaded = useLoad(adminTemplateApi.list);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [removing, setRemoving] = useState<AdminTemplate | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!loaded.data) return <LoadingOrError error={loaded.error} />;
  const { templates, standardInUse, standard } = loaded.data;

  const open = (e: Editing) => {
    setDone(null);
    setError(null);
    setEditing(e);
  };
  const saved = async (name: string) => {
    setEditing(null);
    await loaded.reload();
    setDone(t("admin.templates.saved", { name }));
  };
  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    setError(null);
    try {
      await adminTemplateApi.remove(removing.id);
      setRemoving(null);
      await loaded.reload();
      setDone(t("admin.templates.deleted", { name: removing.name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const addStandard = async () => {
    setBusy(true);
    setError(null);
    try {
      for (const s of standard) await adminTemplateApi.create(s);
      await loaded.reload();
      setDone(t("admin.templates.standardAdded"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {editing ? (
        <TemplateEditor
          key={editing.id ?? `new-${editing.locale}-${editing.name}`}
          editing={editing}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <SettingsCard id="templates" title={t("admin.templates.title")} lead={t("admin.templates.lead")}>
        <SettingsSuccess text={done} testId="templates-done" />
        <SettingsError error={error} />
        {standardInUse ? (
          <MessageBar messageBarType={MessageBarType.info} isMultiline data-testid="templates-standard">
            {t("admin.templates.standardInUse")}
          </MessageBar>
        ) : null}
        <div className={formClasses.actions}>
          <PrimaryButton
            onClick={() => open({ id: null, name: "", body: "", locale: "sv" })}
            disabled={!!editing}
            data-testid="template-new"
          >
            {t("admin.templates.new")}
          </PrimaryButton>
          {standardInUse ? (
            <DefaultButton onClick={() => void addStandard()} disabled={busy} data-testid="templates-add-standard">
              {t("admin.templates.addStandard")}
            </DefaultButton>
          ) : null}
        </div>
        {templates.length ? (
          <ul className={adminClasses.templateList} data-testid="templates-list">
            {templates.map((tpl) => (
              <li key={tpl.id} className={adminClasses.templateItem} data-testid="template-item">
                <h3 className={adminClasses.templateName}>
                  <span>{tpl.name}</span>{" "}
                  <span className={settingsClasses.badge} lang={tpl.locale}>
                    {t(`admin.templates.locale.${tpl.locale}`)}
                  </span>
                </h3>
                <p className={adminClasses.templateBody} lang={tpl.locale}>
                  {tpl.body}
                </p>
                <div className={adminClasses.templateActions}>
                  <DefaultButton
                    onClick={() => open({ id: tpl.id, name: tpl.name, body: tpl.body, locale: tpl.locale })}
                    disabled={!!editing}
                    ariaDescription={tpl.name}
                    data-testid="template-edit"
                  >
                    {t("admin.templates.edit")}
                  </DefaultButton>
                  <DefaultButton
                    onClick={() => open({ id: null, name: tpl.name, body: tpl.body, locale: otherLocale(tpl.locale) })}
                    disabled={!!editing}
                    ariaDescription={tpl.name}
                    data-testid="template-translate"
                  >
                    {t(`admin.templates.addVersion.${otherLocale(tpl.locale)}`)}
                  </DefaultButton>
                  <DefaultButton
                    onClick={() => setRemoving(tpl)}
                    disabled={!!editing}
                    ariaDescription={tpl.name}
                    data-testid="template-delete"
                  >
                    {t("admin.templates.delete")}
                  </DefaultButton>
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className={settingsClasses.itemMeta}>{t("admin.templates.none")}</p>
        )}
      </SettingsCard>
      <Dialog
        hidden={!removing}
        onDismiss={() => setRemoving(null)}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("admin.templates.confirmDeleteTitle"),
          subText: t("admin.templates.confirmDeleteText", { name: removing?.name ?? "" }),
        }}
        modalProps={{ isBlocking: true }}
      >
        <DialogFooter>
          <PrimaryButton onClick={() => void remove()} disabled={busy} data-testid="template-delete-confirm">
            {t("admin.templates.delete")}
          </PrimaryButton>
          <DefaultButton onClick={() => setRemoving(null)}>{t("settings.cancel")}</DefaultButton>
        </DialogFooter>
      </Dialog>
    </>
  );
}
