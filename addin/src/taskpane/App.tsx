import { useEffect, useState } from "react";
import { ActionButton, MessageBar, MessageBarType, Stack, Text } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import type { OfficeAdapter } from "../office/adapter.js";
import type { SignedInUser } from "../auth/signIn.js";
import { apiJson, apiRequest, type KuvertApi } from "./api.js";
import { syncSmartAlertsPolicy } from "./roamingPolicy.js";
import { loadToken, saveToken } from "./session.js";
import { SignInPanel } from "./components/SignInPanel.js";
import { ComposePane } from "./components/ComposePane.js";
import { ReadPane } from "./components/ReadPane.js";

export interface AppProps {
  office: OfficeAdapter;
  /** The Kuvert server (the pane's own origin). */
  apiBase: string;
  lang: "sv" | "en";
}

interface Signed {
  token: string;
  user: SignedInUser;
}

/** The user the stored token belongs to, or null when the server does not accept it (or cannot be reached). */
async function whoAmI(api: KuvertApi): Promise<SignedInUser | null> {
  try {
    const user = await apiJson<SignedInUser>(api, "GET", "/api/auth/me");
    return typeof user.id === "string" ? user : null;
  } catch {
    return null;
  }
}

export function App({ office, apiBase, lang }: AppProps) {
  const { t } = useTranslation();
  const [signed, setSigned] = useState<Signed | null>(null);
  const [checking, setChecking] = useState(true);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    const token = loadToken();
    if (!token) {
      setChecking(false);
      return;
    }
    void whoAmI({ base: apiBase, token, fetch: window.fetch.bind(window) }).then((user) => {
      if (user) setSigned({ token, user });
      else saveToken(null);
      setChecking(false);
    });
  }, [apiBase]);

  // The organisation's Smart Alerts policy into roaming settings, for the OnMessageSend handler.
  const signedToken = signed?.token ?? null;
  useEffect(() => {
    if (!signedToken) return;
    const roamApi = { base: apiBase, token: signedToken, fetch: window.fetch.bind(window) };
    void syncSmartAlertsPolicy(office, roamApi).catch(() => undefined); // kept as it was; tried again next time
  }, [office, apiBase, signedToken]);

  function handleSignedIn(result: { token: string; user: SignedInUser }) {
    saveToken(result.token);
    setExpired(false);
    setSigned({ token: result.token, user: result.user });
  }
  function forgetToken() {
    saveToken(null);
    setSigned(null);
  }
  /** Sign out revokes the token on the server too (with any key sealed to it), not only here. */
  function handleSignOut() {
    if (signed) {
      const api = { base: apiBase, token: signed.token, fetch: window.fetch.bind(window) };
      void apiRequest(api, "DELETE", "/api/tokens/current").catch(() => undefined); // offline: it expires unused
    }
    forgetToken();
  }
  /** The server no longer accepts the token (revoked or expired): sign in again; the draft stays as it is. */
  function handleExpired() {
    forgetToken();
    setExpired(true);
  }

  const api: KuvertApi | null = signed
    ? { base: apiBase, token: signed.token, fetch: window.fetch.bind(window) }
    : null;
  const mode = office.mode();
  return (
    <Stack tokens={{ childrenGap: 12, padding: 12 }} as="main">
      <Text as="h1" variant="xLarge">
        {t("title")}
      </Text>
      {expired && (
        <MessageBar data-testid="session-expired" messageBarType={MessageBarType.warning}>
          {t("errors.expired")}
        </MessageBar>
      )}
      {checking ? null : !signed || !api ? (
        <SignInPanel office={office} apiBase={apiBase} onSignedIn={handleSignedIn} />
      ) : (
        <>
          <Stack horizontal verticalAlign="center" horizontalAlign="space-between">
            <Text data-testid="signed-in-as" styles={{ root: { minWidth: 0, overflowWrap: "anywhere" } }}>
              {t("signIn.signedInAs", { email: signed.user.email })}
            </Text>
            <ActionButton
              text={t("signIn.signOut")}
              onClick={handleSignOut}
              styles={{ root: { flexShrink: 0 }, label: { whiteSpace: "nowrap" } }}
            />
          </Stack>
          {mode === "read" ? (
            <ReadPane office={office} api={api} onExpired={handleExpired} />
          ) : !office.isSetSupported("Mailbox", "1.8") ? (
            // The manifest asks only for what reading needs (Outlook mobile); encrypting needs 1.8.
            <MessageBar data-testid="compose-unsupported" messageBarType={MessageBarType.warning}>
              {t("sendGuard.composeNeedsNewer")}
            </MessageBar>
          ) : (
            <ComposePane office={office} api={api} user={signed.user} lang={lang} onExpired={handleExpired} />
          )}
        </>
      )}
    </Stack>
  );
}
