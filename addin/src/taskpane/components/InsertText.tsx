import { useEffect, useState } from "react";
import { DefaultButton, Stack, Text } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { OfficeAdapter } from "../../office/adapter.js";
import { apiJson, type KuvertApi } from "../api.js";

export interface InsertTextProps {
  office: OfficeAdapter;
  api: KuvertApi;
  disabled: boolean;
  onError(err: unknown): void;
}

function escapeHtml(text: string): string {
  const named: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return text.replace(/[&<>"']/g, (c) => named[c]);
}

/** Plain text as HTML paragraphs (line breaks kept). */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/**
 * F5: the standard text about switching to secure e-mail and the user's own signature (from
 * Settings in the web mailbox), appended to the Outlook body.
 */
export function InsertText({ office, api, disabled, onError }: InsertTextProps) {
  const { t } = useTranslation();
  const [signature, setSignature] = useState<string | null>(null);
  const [inserting, setInserting] = useState(false);

  useEffect(() => {
    void apiJson<{ signature: string | null }>(api, "GET", "/api/account")
      .then((a) => setSignature(a.signature?.trim() || null))
      .catch(() => setSignature(null));
  }, [api]);

  async function handleInsert(text: string) {
    setInserting(true); // read-modify-write of the body: one at a time
    try {
      const body = await office.getBodyHtml();
      await office.setBodyHtml(`${body}${textToHtml(text)}`);
    } catch (err) {
      onError(err);
    } finally {
      setInserting(false);
    }
  }

  return (
    <Stack tokens={{ childrenGap: 4 }}>
      <Text variant="mediumPlus" as="h2">
        {t("compose.insert")}
      </Text>
      <DefaultButton
        text={t("compose.insertStandard")}
        disabled={disabled || inserting}
        data-testid="insert-standard"
        onClick={() => void handleInsert(t("compose.standardText"))}
      />
      {signature && (
        <DefaultButton
          text={t("compose.insertSignature")}
          disabled={disabled || inserting}
          data-testid="insert-signature"
          onClick={() => void handleInsert(signature)}
        />
      )}
    </Stack>
  );
}
