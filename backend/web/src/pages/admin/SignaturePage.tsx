import { useState } from "react";
import { ChoiceGroup, DefaultButton, PrimaryButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { adminSignatureApi, type AdminSignature, type SignatureMode } from "../../api/admin.js";
import { formClasses } from "../../components/formStyles.js";
import { useAction } from "../../components/useAction.js";
import { RichTextEditor, type RichText } from "../compose/RichTextEditor.js";
import { SettingsCard } from "../settings/SettingsCard.js";
import { LoadingOrError, SettingsError, SettingsSuccess } from "../settings/SettingsError.js";
import { settingsClasses } from "../settings/settingsStyles.js";
import { useInitialLoad } from "../settings/useLoad.js";
import { adminClasses } from "./adminStyles.js";
import { useServerPreview } from "./useServerPreview.js";

function SignatureForm({ loaded, reload }: { loaded: AdminSignature; reload(): Promise<void> }) {
  const { t } = useTranslation();
  const [body, setBody] = useState<RichText>({ html: loaded.html, text: "" });
  const [revision, setRevision] = useState(0);
  const [mode, setMode] = useState<SignatureMode>(loaded.mode);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  // Live preview for the signed-in admin, rendered and sanitised by the server as sends will be
  // (a failed preview keeps the last one).
  const { preview } = useServerPreview(body.html, adminSignatureApi.preview, loaded.preview);

  const insert = (name: string) => {
    setDone(null);
    setBody((b) => ({ ...b, html: `${b.html}{${name}}` }));
    setRevision((r) => r + 1);
  };
  const save = () =>
    run(async () => {
      setDone(null);
      const saved = await adminSignatureApi.save(body.html, mode);
      await reload();
      setDone(t("admin.signature.saved", { version: saved.version }));
    });

  return (
    <>
      <SettingsCard id="signature" title={t("admin.signature.title")} lead={t("admin.signature.lead")}>
        <div className={formClasses.form}>
          <RichTextEditor
            label={t("admin.signature.editor")}
            value={body}
            revision={revision}
            onChange={(v) => {
              setDone(null);
              setBody(v);
            }}
            testId="signature-editor"
          />
          <div role="group" aria-labelledby="placeholders-title" data-testid="signature-placeholders">
            <p id="placeholders-title" className={adminClasses.previewLabel}>
              {t("admin.signature.placeholdersTitle")}
            </p>
            <p className={settingsClasses.itemMeta}>{t("admin.signature.placeholdersHelp")}</p>
            <ul className={adminClasses.placeholderList}>
              {loaded.placeholders.map((p) => (
                <li key={p}>
                  <DefaultButton
                    onClick={() => insert(p)}
                    ariaDescription={t(`admin.signature.placeholder.${p}`)}
                    data-testid={`placeholder-${p}`}
                  >
                    {`{${p}}`}
                  </DefaultButton>
                  <span className={adminClasses.placeholderText}>{t(`admin.signature.placeholder.${p}`)}</span>
                </li>
              ))}
            </ul>
          </div>
          <ChoiceGroup
            label={t("admin.signature.mode")}
            selectedKey={mode}
            onChange={(_e, o) => {
              setDone(null);
              setMode((o?.key ?? "default") as SignatureMode);
            }}
            options={[
              { key: "default", text: t("admin.signature.modeDefault") },
              { key: "mandatory", text: t("admin.signature.modeMandatory") },
            ]}
          />
          <p className={settingsClasses.itemMeta} data-testid="signature-mode-help">
            {mode === "mandatory" ? t("admin.signature.mandatoryHelp") : t("admin.signature.defaultHelp")}
          </p>
        </div>
      </SettingsCard>
      <SettingsCard
        id="signature-preview"
        title={t("admin.signature.previewTitle")}
        lead={t("admin.signature.previewLead")}
      >
        <div className={adminClasses.preview}>
          {preview.html ? (
            <div
              className={adminClasses.previewBody}
              data-testid="signature-preview"
              dangerouslySetInnerHTML={{ __html: preview.html }}
            />
          ) : (
            <p className={adminClasses.previewBody} data-testid="signature-preview">
              <em>{t("admin.signature.previewEmpty")}</em>
            </p>
          )}
        </div>
      </SettingsCard>
      <div className={adminClasses.saveBar}>
        <SettingsError error={error} />
        <SettingsSuccess text={done} testId="signature-saved" />
        <PrimaryButton onClick={() => void save()} disabled={busy} data-testid="signature-save">
          {t("admin.signature.save")}
        </PrimaryButton>
      </div>
    </>
  );
}

/** The organisation signature (F5, issue 10): editor, placeholders, policy and a live preview. */
export function SignaturePage() {
  const loaded = useInitialLoad(adminSignatureApi.get);
  const initial = loaded.initial;
  if (!initial) return <LoadingOrError error={loaded.error} />;
  return <SignatureForm loaded={initial} reload={loaded.reload} />;
}
