import { useEffect, useState } from "react";
import { Link, MessageBar, MessageBarType, Spinner, Stack, Text } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { OfficeAdapter } from "../../office/adapter.js";
import { ApiError, apiJson, type KuvertApi } from "../api.js";
import { findKuvertLink, type KuvertLink } from "../readLink.js";

export interface ReadPaneProps {
  office: OfficeAdapter;
  api: KuvertApi;
  onExpired(): void;
}

interface Message {
  id: string;
  subject: string;
  text: string | null;
  html: string | null;
  sender: { email: string; name: string | null } | null;
  attachments: Array<{ id: string; name: string; size: number }>;
}

type State =
  | { kind: "loading" }
  | { kind: "none" }
  | { kind: "message"; message: Message; link: string }
  /** Shown instead of content: why, and the secure mailbox link. */
  | { kind: "open"; reason: string; link: string };

/**
 * F7: the read pane on a Kuvert notification. The add-in's bearer token cannot unlock the user's
 * private key (it is unwrapped only with the password, in a browser session), so the API answers
 * `keys_locked`: the pane then says so and links to the message in the secure mailbox. Where the
 * API does return the decrypted message it is shown as plain text (no HTML is rendered here).
 */
export function ReadPane({ office, api, onExpired }: ReadPaneProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let live = true;
    const set = (s: State) => live && setState(s);
    void (async () => {
      const html = await office.getBodyHtml();
      const link: KuvertLink | null = findKuvertLink(html, api.base);
      if (!link) return set({ kind: "none" });
      if (link.kind === "recipient") return set({ kind: "open", reason: t("read.locked"), link: link.url });
      try {
        const message = await apiJson<Message>(api, "GET", `/api/messages/${link.messageId}`);
        set({ kind: "message", message, link: link.url });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onExpired();
        const code = err instanceof ApiError ? err.code : "";
        const reason = code === "not_found" ? t("read.notFound") : code === "id_check_required" ? t("read.idCheck") : /^message_(expired|burned|shredded)$/.test(code) ? t("read.gone") : t("read.locked");
        set({ kind: "open", reason, link: link.url });
      }
    })();
    return () => {
      live = false;
    };
  }, [office, api, onExpired, t]);

  if (state.kind === "loading") return <Spinner label={t("read.loading")} />;
  if (state.kind === "none") return <Text data-testid="read-none">{t("read.notKuvert")}</Text>;
  if (state.kind === "open") {
    return (
      <Stack tokens={{ childrenGap: 8 }} data-testid="read-locked">
        <MessageBar messageBarType={MessageBarType.info}>{state.reason}</MessageBar>
        <Link href={state.link} target="_blank" rel="noopener noreferrer" data-testid="open-in-mailbox">
          {t("read.open")}
        </Link>
      </Stack>
    );
  }
  const m = state.message;
  return (
    <Stack tokens={{ childrenGap: 8 }} data-testid="read-message">
      <Text variant="large" as="h2">
        {m.subject}
      </Text>
      {m.sender && <Text>{t("read.from", { sender: m.sender.name ? `${m.sender.name} <${m.sender.email}>` : m.sender.email })}</Text>}
      <Text style={{ whiteSpace: "pre-wrap" }}>{m.text ?? ""}</Text>
      {m.attachments.length > 0 && <Text>{`${t("read.attachments")}: ${m.attachments.map((a) => a.name).join(", ")}`}</Text>}
      <Link href={state.link} target="_blank" rel="noopener noreferrer">
        {t("read.reply")}
      </Link>
    </Stack>
  );
}
