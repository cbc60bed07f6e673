import { DefaultButton } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { Template } from "../../api/messages.js";
import { composeClasses as classes } from "./composeStyles.js";
import { RichTextEditor, type RichText } from "./RichTextEditor.js";

interface BodyFieldProps {
  body: RichText;
  revision: number;
  onChange(body: RichText): void;
  templates: Template[];
  signature: string | null;
  /** Adds text (a template, the signature) below what is written. */
  onAppend(text: string): void;
}

/** The rich-text body with the organisation's templates and the user's signature to insert. */
export function BodyField({ body, revision, onChange, templates, signature, onAppend }: BodyFieldProps) {
  const { t, i18n } = useTranslation();
  // The templates in the page's language first, then the others.
  const lang = i18n.language.startsWith("en") ? "en" : "sv";
  const templateItems = [...templates]
    .sort((a, b) => Number(b.locale === lang) - Number(a.locale === lang))
    .map((tpl, i) => ({
      key: tpl.id ?? `builtin-${i}`,
      text: tpl.locale === lang ? tpl.name : `${tpl.name} (${tpl.locale.toUpperCase()})`,
      lang: tpl.locale,
      onClick: () => onAppend(tpl.body),
      "data-testid": "template-item",
    }));

  return (
    <>
      <RichTextEditor
        label={t("mail.compose.body")}
        value={body}
        revision={revision}
        onChange={onChange}
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
              onClick={() => onAppend(signature)}
              disabled={body.text.includes(signature.trim())}
              data-testid="insert-signature"
            >
              {t("mail.compose.insertSignature")}
            </DefaultButton>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
