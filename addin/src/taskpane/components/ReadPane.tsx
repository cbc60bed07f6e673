import { useEffect, useState, type FormEvent } from "react";
import {
  DefaultButton,
  Link,
  MessageBar,
  MessageBarType,
  PrimaryButton,
  Spinner,
  Stack,
  Text,
  TextField,
} from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { OfficeAdapter } from "../../office/adapter.js";
import { ApiError, apiJson, apiRequest, type KuvertApi } from "../api.js";
import { errorText } from "../errorText.js";
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
  revealRequired?: boolean;
}

type State =
  | { kind: "loading" }
  | { kind: "none" }
  | { kind: "message"; message: Message; link: string }
  /** The token carries no key (Microsoft sign-in): the Kuvert password unlocks it for this token. */
  | { kind: "unlock"; passwordSet: boolean; link: string }
  /** Shown instead of content: why, and the secure mailbox link. */
  | { kind: "open"; reason: string; link: string };

/** What GET /api/tokens/current says about the pane's token. */
interface CurrentToken {
  keyUnlocked: boolean;
  passwordSet: boolean;
}

/**
 * After `keys_locked`: is it the token (key-less, so the password can unlock it here) or the
 * message (burn after reading is revealed only in the web mailbox)? Null when the token already
 * carries the key or the question cannot be answered.
 */
async function lockedToken(api: KuvertApi): Promise<CurrentToken | null> {
  try {
    const current = await apiJson<CurrentToken>(api, "GET", "/api/tokens/current");
    return current.keyUnlocked ? null : current;
  } catch {
    return null;
  }
}

/**
 * F7: the read pane on a Kuvert notification. A token from the Kuvert sign-in carries the user's
 * private key sealed under its secret, so GET /api/messages/:id answers the decrypted message:
 * the pane shows it (body as plain text: no HTML is rendered here), downloads attachments
 * through the API with the bearer token, and sends a plaintext reply. A Microsoft sign-in token
 * carries no key (`keys_locked`): the pane asks once for the Kuvert password, which unlocks the
 * key for that token (POST /api/tokens/current/unlock; it lasts as long as the token), then reads
 * as above. Burn-after-reading and ID-checked messages are not opened here: the pane says why
 * and links to the message in the secure mailbox.
 */
export function ReadPane({ office, api, onExpired }: ReadPaneProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: "loading" });
  /** Counts unlocks: the message is fetched again after each. */
  const [unlocked, setUnlocked] = useState(0);

  useEffect(() => {
    let live = true;
    const set = (s: State) => live && setState(s);
    void (async () => {
      const html = await office.getBodyHtml();
      const link: KuvertLink | null = findKuvertLink(html, api.base);
      if (!link) return set({ kind: "none" });
      if (link.kind === "recipient") return set({ kind: "open", reason: t("read.locked"), link: link.url });
      try {
        // The shared link (/m/{token}) of an item the pane sent: which message, if the user reads it.
        const messageId =
          link.kind === "shared"
            ? (await apiJson<{ messageId: string }>(api, "GET", `/api/addin/shared/${encodeURIComponent(link.token)}`))
                .messageId
            : link.messageId;
        const url = link.kind === "shared" ? `${api.base.replace(/\/+$/, "")}/mailbox/inbox/${messageId}` : link.url;
        const message = await apiJson<Message>(api, "GET", `/api/messages/${messageId}`);
        if (message.revealRequired) return set({ kind: "open", reason: t("read.locked"), link: url });
        set({ kind: "message", message, link: url });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onExpired();
        const code = err instanceof ApiError ? err.id : "";
        if (code === "keys_locked") {
          const token = await lockedToken(api);
          if (token) return set({ kind: "unlock", passwordSet: token.passwordSet, link: link.url });
        }
        const reason =
          code === "not_found"
            ? t("read.notFound")
            : code === "id_check_required"
              ? t("read.idCheck")
              : /^message_(expired|burned|shredded)$/.test(code)
                ? t("read.gone")
                : t("read.locked");
        set({ kind: "open", reason, link: link.url });
      }
    })();
    return () => {
      live = false;
    };
  }, [office, api, onExpired, t, unlocked]);

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
  if (state.kind === "unlock") {
    return (
      <UnlockForm
        api={api}
        passwordSet={state.passwordSet}
        link={state.link}
        onUnlocked={() => {
          setState({ kind: "loading" });
          setUnlocked((n) => n + 1);
        }}
        onExpired={onExpired}
      />
    );
  }
  return <MessageView api={api} message={state.message} link={state.link} onExpired={onExpired} />;
}

/**
 * The Kuvert password, once per token (device session), for a Microsoft sign-in: the server
 * opens the password-wrapped key and seals it to this token only. Wrong passwords count toward
 * the account's lockout like a wrong sign-in, so the form says so.
 */
function UnlockForm({
  api,
  passwordSet,
  link,
  onUnlocked,
  onExpired,
}: {
  api: KuvertApi;
  passwordSet: boolean;
  link: string;
  onUnlocked(): void;
  onExpired(): void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [noPassword, setNoPassword] = useState(!passwordSet);
  const [problem, setProblem] = useState<{ text: string; reset: boolean } | null>(null);
  const resetUrl = `${api.base.replace(/\/+$/, "")}/forgot-password`;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!password || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await apiJson(api, "POST", "/api/tokens/current/unlock", { password });
      setPassword("");
      onUnlocked();
      return;
    } catch (err) {
      const id = err instanceof ApiError ? err.id : "";
      if (id === "invalid_token" || id === "authentication_required") return onExpired();
      if (id === "password_not_set") setNoPassword(true);
      else if (id === "invalid_password") setProblem({ text: t("read.unlock.wrong"), reset: false });
      else if (id === "account_locked") {
        const seconds = err instanceof ApiError ? err.retryAfter : null;
        setProblem({
          text:
            seconds === null
              ? t("read.unlock.locked")
              : t("read.unlock.lockedFor", { count: Math.max(1, Math.ceil(seconds / 60)) }),
          reset: true,
        });
      } else setProblem({ text: errorText(t, err), reset: false });
    }
    setBusy(false);
  };

  if (noPassword) {
    return (
      <Stack tokens={{ childrenGap: 8 }} data-testid="unlock-no-password">
        <Text as="h2" variant="large">
          {t("read.unlock.title")}
        </Text>
        <MessageBar messageBarType={MessageBarType.warning}>{t("read.unlock.noPassword")}</MessageBar>
        <Link href={resetUrl} target="_blank" rel="noopener noreferrer" data-testid="unlock-set-password">
          {t("read.unlock.setPassword")}
        </Link>
        <Link href={link} target="_blank" rel="noopener noreferrer" data-testid="open-in-mailbox">
          {t("read.open")}
        </Link>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void submit(e)} data-testid="unlock-form" aria-labelledby="unlock-title">
      <Stack tokens={{ childrenGap: 8 }}>
        <Text as="h2" variant="large" id="unlock-title">
          {t("read.unlock.title")}
        </Text>
        <Text>{t("read.unlock.intro")}</Text>
        <TextField
          label={t("read.unlock.password")}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(_e, v) => setPassword(v ?? "")}
          disabled={busy}
          required
          data-testid="unlock-password"
        />
        {problem && (
          <MessageBar messageBarType={MessageBarType.error} data-testid="unlock-error" role="alert">
            {problem.text}{" "}
            {problem.reset && (
              <Link href={resetUrl} target="_blank" rel="noopener noreferrer">
                {t("read.unlock.reset")}
              </Link>
            )}
          </MessageBar>
        )}
        <PrimaryButton
          type="submit"
          text={busy ? t("read.unlock.busy") : t("read.unlock.submit")}
          disabled={busy || !password}
          data-testid="unlock-submit"
        />
        <Text variant="small">{t("read.unlock.once")}</Text>
        <Link href={link} target="_blank" rel="noopener noreferrer" data-testid="open-in-mailbox">
          {t("read.open")}
        </Link>
      </Stack>
    </form>
  );
}

/** Downloads through the API with the bearer token (a plain link would carry none) and saves via a Blob URL. */
async function downloadAttachment(api: KuvertApi, messageId: string, a: { id: string; name: string }): Promise<void> {
  const res = await apiRequest(api, "GET", `/api/messages/${messageId}/attachments/${a.id}`);
  const url = URL.createObjectURL(await res.blob());
  try {
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = a.name;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

function MessageView({
  api,
  message: m,
  link,
  onExpired,
}: {
  api: KuvertApi;
  message: Message;
  link: string;
  onExpired(): void;
}) {
  const { t } = useTranslation();
  const [reply, setReply] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const failed = (err: unknown, key: "read.replyFailed" | "read.downloadFailed") => {
    if (err instanceof ApiError && err.status === 401) onExpired();
    setNotice({ ok: false, text: t(key, { message: err instanceof Error ? err.message : String(err) }) });
  };
  const sendReply = async () => {
    if (!m.sender || !reply.trim()) return;
    setBusy(true);
    setNotice(null);
    try {
      const subject = /^(re|sv):/i.test(m.subject) ? m.subject : `Re: ${m.subject}`;
      await apiJson(api, "POST", "/api/messages", {
        to: [{ email: m.sender.email }],
        subject,
        body: reply,
        replyTo: m.id,
      });
      setReply("");
      setNotice({ ok: true, text: t("read.replySent") });
    } catch (err) {
      failed(err, "read.replyFailed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack tokens={{ childrenGap: 8 }} data-testid="read-message">
      <Text variant="large" as="h2" data-testid="read-subject">
        {m.subject}
      </Text>
      {m.sender && (
        <Text>
          {t("read.from", { sender: m.sender.name ? `${m.sender.name} <${m.sender.email}>` : m.sender.email })}
        </Text>
      )}
      <Text style={{ whiteSpace: "pre-wrap" }} data-testid="read-body">
        {m.text ?? ""}
      </Text>
      {m.attachments.length > 0 && (
        <Stack tokens={{ childrenGap: 4 }} aria-label={t("read.attachments")} data-testid="read-attachments">
          <Text as="h3">{t("read.attachments")}</Text>
          {m.attachments.map((a) => (
            <DefaultButton
              key={a.id}
              text={t("read.download", { name: a.name })}
              onClick={() =>
                void downloadAttachment(api, m.id, a).catch((err: unknown) => failed(err, "read.downloadFailed"))
              }
            />
          ))}
        </Stack>
      )}
      {notice && (
        <MessageBar
          messageBarType={notice.ok ? MessageBarType.success : MessageBarType.error}
          data-testid="read-notice"
        >
          {notice.text}
        </MessageBar>
      )}
      {m.sender && (
        <Stack tokens={{ childrenGap: 4 }}>
          <TextField
            label={t("read.replyLabel")}
            multiline
            rows={4}
            value={reply}
            onChange={(_e, v) => setReply(v ?? "")}
            data-testid="reply-text"
          />
          <PrimaryButton
            text={busy ? t("read.replySending") : t("read.replySend")}
            disabled={busy || !reply.trim()}
            onClick={() => void sendReply()}
            data-testid="reply-send"
          />
        </Stack>
      )}
      <Link href={link} target="_blank" rel="noopener noreferrer" data-testid="open-in-mailbox">
        {t("read.open")}
      </Link>
    </Stack>
  );
}
