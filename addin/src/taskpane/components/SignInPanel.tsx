import { useState } from "react";
import { MessageBar, MessageBarType, PrimaryButton, Stack, Text } from "@fluentui/react";
import { useTranslation } from "react-i18next";
import { signIn, SignInError, type SignInResult } from "../../auth/signIn.js";
import type { OfficeAdapter } from "../../office/adapter.js";

export interface SignInPanelProps {
  office: OfficeAdapter;
  apiBase: string;
  onSignedIn(result: SignInResult): void;
}

/** Microsoft sign-in first, the Kuvert dialog as fallback (addin/src/auth/signIn.ts). */
export function SignInPanel({ office, apiBase, onSignedIn }: SignInPanelProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSignIn() {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn({ office, apiBase, fetch: window.fetch.bind(window) }));
    } catch (err) {
      if (err instanceof SignInError && err.reason === "cancelled") setError(t("signIn.cancelled"));
      else setError(t("signIn.failed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack tokens={{ childrenGap: 12 }}>
      <Text>{t("signIn.intro")}</Text>
      {error && <MessageBar messageBarType={MessageBarType.error}>{error}</MessageBar>}
      <PrimaryButton
        data-testid="sign-in"
        text={busy ? t("signIn.busy") : t("signIn.button")}
        disabled={busy}
        onClick={handleSignIn}
      />
    </Stack>
  );
}
