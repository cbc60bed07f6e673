/**
 * The sign-in dialog's calls to the Kuvert API (the page is served by the Kuvert server, so it
 * signs in like the web mailbox: a cookie session with the CSRF double-submit), through the
 * shared client. The dialog uses the session only to mint the add-in's API token and then ends it.
 */
import { createApiClient } from "#shared/api/client.js";

export type SecondFactorMethod = "totp" | "sms" | "backup_code";

export type LoginResult = { next: "done" } | { next: "second_factor"; methods: SecondFactorMethod[] };

/** The label of tokens minted here (shown under Settings → Security → API tokens). */
export const dialogTokenLabel = "Outlook add-in (Kuvert sign-in)";

/** A cookie readable by scripts (only the CSRF cookie is; the session cookie is HttpOnly). */
function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

const client = createApiClient({
  // `__Host-kuvert_csrf` over HTTPS, `kuvert_csrf` over http in development.
  csrfToken: () => readCookie("__Host-kuvert_csrf") ?? readCookie("kuvert_csrf"),
});

export const dialogApi = {
  login: (email: string, password: string) => client.post<LoginResult>("/api/auth/login", { email, password }),
  secondFactor: (method: SecondFactorMethod, code: string) =>
    client.post<unknown>("/api/auth/second-factor", { method, code }),
  sendLoginSms: () => client.post<{ sent: boolean; to: string }>("/api/auth/second-factor/sms", {}),
  /** The revocable API token the pane keeps; the password lets it carry the unlocked key. */
  createToken: (password: string) =>
    client.post<{ token: string }>("/api/account/tokens", { label: dialogTokenLabel, password }),
  logout: () => client.post<unknown>("/api/auth/logout", {}),
};
