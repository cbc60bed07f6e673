/**
 * The add-in's Kuvert API token, kept in this pane's localStorage (partitioned per add-in by
 * Office) — never in roaming settings, which would copy it to every device. Revocable in the
 * web mailbox (Settings → Security → API tokens); a 401 removes it here.
 */
const key = "kuvert.addin.token";

export function loadToken(): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(key, token);
    else window.localStorage.removeItem(key);
  } catch {
    // storage unavailable: the token lasts for this pane only
  }
}
